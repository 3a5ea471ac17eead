//! Structured fields from OFAC's free-text remarks (`DOB 25 Apr 1965; nationality Korea, North; …`).
