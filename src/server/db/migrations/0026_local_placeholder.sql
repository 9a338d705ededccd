-- local placeholder, never committed (the lead renumbers migrations at merge)
SELECT 1;
