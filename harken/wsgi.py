from __future__ import annotations

import os

import django

from harken.lib.gc_tuning import tune_for_serving
from harken.web.handler import HarkenWSGI

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harken.settings")
# What get_wsgi_application() does, with the API's own middleware chain (harken.web.handler).
django.setup(set_prefix=False)
application = HarkenWSGI()
tune_for_serving()
