/**
 * The version of hacktree's build rules: the autotools steps and flags (buildAutotools), the
 * sandbox's environment (runSandboxed), the -runtime/-devel split (splitRule) and the tarball
 * format (writeTarball). It is an input of every build id; change it whenever a change to
 * those would change what a build produces, so every cached artifact is rebuilt.
 */
export const BUILD_RULES_VERSION = 'hacktree-build-rules/2';

/**
 * The variables whose final values an autotools build reads. The recipe's own text and its
 * includes are hashed whole; these add what they inherit from recipes/site.conf and the
 * defaults, while leaving out what cannot change a result (PREMIRRORS/MIRRORS, paths of the
 * workspace), so a mirror change or another checkout directory rebuilds nothing.
 */
export const BUILD_VARIABLES = ['PN', 'PV', 'S', 'B', 'SRC_URI', 'LIC_FILES_CHKSUM', 'DEPENDS', 'EXTRA_OECONF', 'CFLAGS', 'CXXFLAGS', 'LDFLAGS', 'CPPFLAGS'] as const;
