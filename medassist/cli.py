"""The `medassist` console command: every Django management command plus `demo` and `serve`."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medassist.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["medassist", *argv])
    args[0] = "medassist"
    if len(args) > 1 and "-" in args[1] and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")  # `medassist import-fhir` → import_fhir
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
