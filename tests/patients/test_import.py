import pytest
from django.core.management import CommandError, call_command

from medassist.audit.models import AuditEvent
from medassist.core.errors import PermissionDenied
from medassist.patients.errors import ImportRefused
from medassist.patients.imports import patients_import_csv
from medassist.patients.models import Coverage, Patient
from medassist.practice.models import Payer
from medassist.practice.services import payer_update

GOOD = (
    "first_name,last_name,date_of_birth,sex,phone_mobile,payer,member_id,copay\n"
    "Rosa,Delgado,1975-03-09,F,518-555-0110,Acme Health,ACM1,20\n"
    "Tom,Baker,04/22/1961,m,,,,\n"
)


def test_a_good_file_imports_every_row_with_coverage_and_audit(front_desk):
    # when
    report = patients_import_csv(actor=front_desk, data=GOOD.encode())
    # then
    assert report.imported == 2
    rosa = Patient.objects.get(last_name="Delgado")
    assert rosa.phone_mobile == "+15185550110"
    assert Coverage.objects.get(patient=rosa).copay == 20
    assert Patient.objects.get(last_name="Baker").sex == "M"
    assert AuditEvent.objects.filter(action="create", object_type="patients.Patient").count() == 2


def test_one_bad_row_imports_nothing_and_names_every_problem(front_desk):
    data = (
        GOOD
        + "Ann,Lee,2999-01-01,F,,,,\nBo,Chan,1990-01-01,F,12,,,\nCy,Orr,1990-01-01,F,,Nope,1,\n"
    )
    with pytest.raises(ImportRefused) as err:
        patients_import_csv(actor=front_desk, data=data.encode())
    rows = err.value.extra["row_errors"]
    assert [r.split(":")[0] for r in rows] == ["Row 4", "Row 5", "Row 6"]
    assert "future" in rows[0] and "phone" in rows[1] and "Unknown payer" in rows[2]
    assert Patient.objects.count() == 0 and Coverage.objects.count() == 0
    assert AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count() == 0


@pytest.mark.parametrize(
    "data,fragment",
    [
        (b"", "empty"),
        (b"first_name,last_name\nA,B\n", "Missing required column"),
        (b"first_name,last_name,date_of_birth,sex,shoe_size\n", "Unknown column"),
        (b"first_name,last_name,date_of_birth,sex\n", "no patients"),
        (b"first_name,last_name,date_of_birth,sex\nA,B,1990-01-01,F,extra\n", "more cells"),
        ("first_name,last_name,date_of_birth,sex\nÉ,B,1990-01-01,F\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_malformed_files_are_refused_with_a_clear_message(front_desk, data, fragment):
    with pytest.raises(ImportRefused) as err:
        patients_import_csv(actor=front_desk, data=data)
    assert fragment in err.value.message
    assert Patient.objects.count() == 0


def test_a_row_duplicating_an_existing_patient_is_refused_unless_allowed(front_desk):
    patients_import_csv(actor=front_desk, data=GOOD.encode())
    with pytest.raises(ImportRefused):
        patients_import_csv(actor=front_desk, data=GOOD.encode())
    assert Patient.objects.count() == 2
    patients_import_csv(actor=front_desk, data=GOOD.encode(), allow_duplicates=True)
    assert Patient.objects.count() == 4


def test_biller_may_not_import(biller):
    with pytest.raises(PermissionDenied):
        patients_import_csv(actor=biller, data=GOOD.encode())


def test_the_command_imports_and_reports_errors(front_desk, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    call_command("import_patients", str(good), "--as", "frontdesk")
    assert "Imported 2" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("first_name,last_name,date_of_birth,sex\nA,B,notadate,F\n")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_patients", str(bad), "--as", "frontdesk")
    assert "Row 2" in capsys.readouterr().err


def test_a_payer_out_of_use_is_unknown_to_the_import(front_desk, clinic_admin):
    # given Acme Health taken out of use
    payer_update(actor=clinic_admin, payer=Payer.objects.get(name="Acme Health"), active=False)
    # when
    with pytest.raises(ImportRefused) as err:
        patients_import_csv(actor=front_desk, data=GOOD.encode())
    # then
    assert err.value.extra["row_errors"] == ["Row 2: payer: Unknown payer 'Acme Health'."]
    assert Patient.objects.count() == 0
