//! Lesson 06's receiving side on disk: the partial file, the finished file, and nothing left
//! behind when a transfer fails.
