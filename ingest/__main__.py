from core.cliutil import run_main
from ingest.cli import main

run_main(main)
