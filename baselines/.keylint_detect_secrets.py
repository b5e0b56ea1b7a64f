"""detect-secrets plugins for keylint's rules (written by `keylint baseline`)."""
from keylint.integrations.detect_secrets import *  # noqa: F403
