"""``python -m jiandu`` runs the command line, as the ``jiandu`` script does."""

from jiandu.cli.main import app

if __name__ == "__main__":
    app(prog_name="jiandu")
