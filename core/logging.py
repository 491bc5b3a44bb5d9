import json
import logging
from datetime import UTC, datetime


class JSONFormatter(logging.Formatter):
    """One JSON object per line, so logs from many web and worker replicas can be shipped and
    queried without parsing free text."""

    _skip = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in self._skip and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class ConsoleFormatter(logging.Formatter):
    """One short line per record for a developer's terminal (`make run`): the time, the level when it
    is not INFO, and for a request its method, path, status and duration — the JSON lines are for
    log shipping, not for reading."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        if record.name == "portal.request" and hasattr(record, "path"):
            line = f"{when} {record.method} {record.path} {record.status} {record.duration_ms:.0f} ms"
        else:
            level = "" if record.levelno == logging.INFO else f" {record.levelname}"
            line = f"{when}{level} {record.name}: {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line
