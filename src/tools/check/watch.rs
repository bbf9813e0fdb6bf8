//! `check --watch`: play the stage's checks again whenever a file of the program changes.
