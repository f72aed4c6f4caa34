"""storage."""

# Every table belongs to `storage.models.Base`; this registers the ones kept in other modules.
from storage import models_agencies as _models_agencies  # noqa: F401
