"""Records → flat rows: ids, shipped vocabularies, relation rules, and the row iterators."""
