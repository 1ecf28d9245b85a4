import datetime as dt

from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "shaodian.complaints"
    verbose_name = "complaints"

    def ready(self):
        from shaodian.core import outbox

        def escalate(payload, claim):
            from shaodian.complaints.services import complaints_escalate

            complaints_escalate()

        def detect(payload, claim):
            from shaodian.complaints.reviews import reviews_detect

            reviews_detect()

        # Late items go up a level within five minutes; the over-blocking rules look at the stream each hour.
        outbox.periodic("complaints.escalate", every=dt.timedelta(minutes=5))(escalate)
        outbox.periodic("complaints.detect", every=dt.timedelta(hours=1))(detect)
