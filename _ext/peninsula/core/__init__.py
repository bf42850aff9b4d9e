"""What every stage uses: source files read safely and kept inside the
project, dates as the corpus writes them, the build a module runs in, and the
few pages a build reads in its own process. Imports nothing of the project."""
