"""Log records for operators: a refused request (403, 404, 422…) is one line, not a traceback.

Django logs a PermissionDenied with its exception attached, so every 403 printed a whole stack
trace; a refusal is the platform working as meant. Server errors (5xx) keep their traceback.
"""

import logging


class OneLineRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
