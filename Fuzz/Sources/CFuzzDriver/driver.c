// Intentionally empty: the declaration in fuzz_driver.h is all this module provides.
