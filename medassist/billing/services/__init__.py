"""Billing writes: set-up, superbill (claim from a visit), scrub, 837P batches, 999/277CA
acknowledgements, remittance posting (835 and paper) and the patient ledger.

Every write checks the actor's permission, validates, saves, records an audit event, in one
transaction. Money is Decimal; the ledger is append-only.

Modules: `setup` (payer billing details, billing provider, fee schedule), `superbill`
(`claim_create`), `scrubbing` (`claim_facts`, `claim_scrub`), `batches` (837P),
`acknowledgements` (999, 277CA), `remittance` (835), `paper_remittance` (EOB typed in),
`ledger`, `eligibility_checks` (270/271), `paper_claim` (CMS-1500 fields); `_common` and
`_posting` hold what several of them share. The public names import from `billing.services`.
"""

from medassist.billing.services._common import CENT, MAX_AMOUNT, money
from medassist.billing.services._posting import _post_amounts  # for services_remit
from medassist.billing.services.acknowledgements import acknowledgement_apply
from medassist.billing.services.batches import batch_create, claim_data
from medassist.billing.services.eligibility_checks import eligibility_check, eligibility_refresh
from medassist.billing.services.ledger import ledger_post, patient_side_balance
from medassist.billing.services.paper_claim import cms1500_data
from medassist.billing.services.paper_remittance import PaperLine, remittance_enter_paper
from medassist.billing.services.remittance import PostingReport, remittance_import_835
from medassist.billing.services.scrubbing import claim_facts, claim_scrub
from medassist.billing.services.setup import (
    billing_provider_save,
    fee_item_save,
    fee_schedule_load_demo,
    payer_billing_save,
)
from medassist.billing.services.superbill import LineInput, claim_create

__all__ = [
    "CENT",
    "MAX_AMOUNT",
    "LineInput",
    "PaperLine",
    "PostingReport",
    "_post_amounts",
    "acknowledgement_apply",
    "batch_create",
    "billing_provider_save",
    "claim_create",
    "claim_data",
    "claim_facts",
    "claim_scrub",
    "cms1500_data",
    "eligibility_check",
    "eligibility_refresh",
    "fee_item_save",
    "fee_schedule_load_demo",
    "ledger_post",
    "money",
    "patient_side_balance",
    "payer_billing_save",
    "remittance_enter_paper",
    "remittance_import_835",
]
