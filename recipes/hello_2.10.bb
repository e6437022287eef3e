# GNU hello, the program of the runtime, with the set's one patch (recipes/hello/).
#
# Upstream sha256 taken from an independent record: Homebrew's hello formula at 2.10
# (Linuxbrew/homebrew-core Formula/hello.rb) and pylightnix/Bazel examples carry the same sum.
# Debian's hello_2.10.orig.tar.gz is byte-identical (site.conf).
SUMMARY = "GNU Hello: prints a friendly greeting"
HOMEPAGE = "https://www.gnu.org/software/hello/"
BUGTRACKER = "https://savannah.gnu.org/bugs/?group=hello"
LICENSE = "GPL-3.0-or-later"
LIC_FILES_CHKSUM = "file://COPYING;md5=d32239bcb673463ab874e80d47fae504"

SRC_URI = "${GNU_MIRROR}/hello/hello-${PV}.tar.gz \
           file://0001-hello-help-point-to-the-GNU-help-page-over-https.patch \
           "
SRC_URI[sha256sum] = "31e066137a962676e89f69d1b65382de95a7ef7d914b8cb956f41ea72e0f516b"
