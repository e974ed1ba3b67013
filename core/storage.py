"""Static files in production: hashed names from the manifest that collectstatic writes."""

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage, but a file missing from the manifest (collectstatic not run,
    or run before a deploy added a file) is logged and linked by its plain name instead of failing
    every page that links it with a 500. `make serve` runs collectstatic before gunicorn starts."""

    manifest_strict = False
    # The vendored Bootstrap files name source maps that are not shipped; rewriting those references
    # made collectstatic fail, so source-map comments are left as they are (browsers ignore a 404).
    patterns = tuple(
        (extension, tuple(p for p in rules if "sourceMappingURL" not in (p if isinstance(p, str) else p[0])))
        for extension, rules in CompressedManifestStaticFilesStorage.patterns
    )

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:
            logger.error("Static file %r is not in STATIC_ROOT: run `manage.py collectstatic`.", name)
            return name
