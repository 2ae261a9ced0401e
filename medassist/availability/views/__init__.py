"""Availability screens: the clinic admin's set-up of weekly templates, exceptions, holidays,
resources and visit-type rules. (The front desk's "Find a slot" books, so it is booking's.)"""

from medassist.availability.views.hours import (  # noqa: F401 - the views urls.py names
    exception_create,
    exception_delete,
    holiday_create,
    holiday_delete,
    holidays,
    holidays_load_view,
    session_create,
    session_delete,
    session_edit,
    setup,
    template,
)
from medassist.availability.views.resources import (  # noqa: F401 - the views urls.py names
    kind_add,
    kind_remove,
    kind_rename,
    provider_ages_edit,
    resource_add,
    resource_back_in_service,
    resource_edit,
    resource_out_of_service,
    resources,
    visit_type_rule_edit,
    visit_types,
)
