//! TCP segment counters for lesson 04: how many segments carried the bytes, beside how many
//! reads took them.
