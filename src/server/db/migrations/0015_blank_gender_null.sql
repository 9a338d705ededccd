-- Until JSON bodies were validated as sent (http/validators.ts), a null sent for a nullable text was
-- coerced to "": each save of the person page's form stored an empty gender. No value is NULL, as the
-- imports, the demo and the API now write it.
UPDATE person SET gender = NULL WHERE gender IS NOT NULL AND btrim(gender) = '';
