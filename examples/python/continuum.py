"""Example: the intensive outpatient level and its neighbours, from Python."""
import iop

continuum = iop.Continuum()  # the built-in open pack; iop.Continuum.from_file(path) for your own
level = continuum.lookup_level(iop.IOP_EDITION_ASAM3, "2.1")
adult = level.get_hours_per_week(iop.IOP_AGE_ADULT)
teen = level.get_hours_per_week(iop.IOP_AGE_ADOLESCENT)
print("%s: %s" % (level.get_code(), level.get_name()))
print("  adults %g-%g h/week, adolescents %g-%g h/week" % (adult.min, adult.max, teen.min, teen.max))
print("  step down: %s, step up: %s" % (level.get_step_down().get_code(), level.get_step_up().get_code()))
print("  4th edition: %s" % level.crosswalk(iop.IOP_EDITION_ASAM4).get_name())
for code in level.billing_codes():
    print("  bill %(code)s (%(system)s)" % code)

try:
    iop.Continuum.from_json('{"format": "libiop-continuum", "format_version": 1}')
except iop.Error as error:  # ParseError here: the pack lacks required members
    print("refused a bad pack: %s (JSON path %s)" % (error, error.path))
