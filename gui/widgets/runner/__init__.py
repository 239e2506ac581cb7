"""The collection runner: choosing what to run, live results, an exchange of the run."""
