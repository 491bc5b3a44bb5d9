"""The portal's number formats (settings.FORMAT_MODULE_PATH). Django reads a format from here first and
falls back to its own locale module for everything not set here (dates, input formats)."""
