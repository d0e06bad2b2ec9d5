from core.cliutil import run_main
from evals.cli import main

run_main(main)
