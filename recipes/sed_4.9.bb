# GNU sed. Its LIC_FILES_CHKSUM hashes a line range (the license header of sed/sed.h).
#
# Upstream sha256 of sed-4.9.tar.xz taken from an independent record: OpenEmbedded-core's
# sed_4.9.bb (meta/recipes-extended/sed, as in WindRiverLinux25/oe-core), which also gives the
# sed.h range md5 used here; Homebrew's gnu-sed formula and Termux list the same sum.
# Debian's sed_4.9.orig.tar.xz is byte-identical (site.conf).
SUMMARY = "Stream editor: filters and transforms text"
HOMEPAGE = "https://www.gnu.org/software/sed/"
BUGTRACKER = "https://debbugs.gnu.org/cgi/pkgreport.cgi?package=sed"
LICENSE = "GPL-3.0-or-later"
LIC_FILES_CHKSUM = "file://COPYING;md5=1ebbd3e34237af26da5dc08a4e440464 \
                    file://sed/sed.h;beginline=1;endline=15;md5=4e8e0f77bc4c1c2c02c2b90d3d24c670"

SRC_URI = "${GNU_MIRROR}/sed/sed-${PV}.tar.xz"
SRC_URI[sha256sum] = "6e226b732e1cd739464ad6862bd1a1aba42d7982922da7a53519631d24975181"

# ACL support would depend on whether a libacl -dev happens to be in the build root; the set
# has none, so say so instead of letting configure guess.
EXTRA_OECONF = "--disable-acl"
