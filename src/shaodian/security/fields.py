"""A text field stored encrypted (AES-GCM); Python code only ever sees the plaintext."""

from django.conf import settings
from django.db import models

from shaodian.security import crypto


class EncryptedTextField(models.TextField):
    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return crypto.decrypt(settings.FIELD_KEY, value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return crypto.encrypt(settings.FIELD_KEY, value)
