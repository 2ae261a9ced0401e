"""Lab, imaging and referral orders tracked to closure; specimens, point-of-care tests, HL7 v2."""
