from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from harken.lib.gc_tuning import tune_for_serving

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harken.settings")
application = get_wsgi_application()
tune_for_serving()
