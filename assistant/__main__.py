from assistant.cli import main
from core.cliutil import run_main

run_main(main)
