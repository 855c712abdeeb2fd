// The benchmark library.
