import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { clone } from './journeyShell.js';
import { story } from './story.js';

// A developer without root, as the README tells it: the admin starts the daemon's socket and
// puts alice in the hacktree group; alice reads the root's status, takes hello's source, runs
// make debug into the deployed runtime root through the daemon, lists and resets the local
// branch; bob, outside the group, reads status and is refused a change.
const s = story();
const alice = s.as('alice');
const bob = s.as('bob');
const ROOT = '3.2-runtime-opt-x86_64';
const PUBLIC = `/opt/hacktree/root-${ROOT}`;
const SOCKET = '/run/hacktree/hacktree.sock';
const src = '/home/alice/src/hello';
// What the daemon's build-root opens to its group (docs/daemon.md): put back as found at the end.
const REPO_DIRS = '/var/lib/hacktree/repo /var/lib/hacktree/repo/hacktree /var/lib/hacktree/repo/hacktree/buildroots /var/lib/hacktree/repo/hacktree/buildroots/*';
let modes = '';
let refsBefore = '';
let daemonLog = '';
let daemonPid = '';

// The branches this story changes: the local branches (the masters are the main job's).
const refs = () => s.check('git -C /var/lib/hacktree/repo for-each-ref --format="%(refname) %(objectname)" refs/heads/local/').stdout;
const uidOf = (user: string) => s.check(`id -u ${user}`).stdout.trim();

test('the admin starts the daemon\'s socket and makes a developer in the hacktree group and a user outside it', () => {
  // Accounts an interrupted run may have left.
  s.check('userdel -r alice; userdel -r bob; groupdel hacktree');
  modes = s.check(`stat -c '%g %a %n' ${REPO_DIRS}`).stdout;
  refsBefore = refs();
  // No systemd is PID 1 here: hacktree.socket's part is systemd-socket-activate's, on the unit's
  // socket (in the journey's own /run/hacktree) with the service's command. systemd keeps the
  // socket across the daemon's idle exits and systemd-socket-activate would not, so no idle exit.
  const unit = readFileSync(join(clone, 'systemd/hacktree.service'), 'utf8');
  const execStart = /^ExecStart=(.*)$/m.exec(unit)?.[1];
  assert.ok(execStart, 'hacktree.service has an ExecStart');
  assert.match(readFileSync(join(clone, 'systemd/hacktree.socket'), 'utf8'), new RegExp(`^ListenStream=${SOCKET}$`, 'm'));
  const command = execStart.replace(/ --idle-exit \d+/, '');
  assert.equal(command, '/usr/bin/env hacktree daemon --group hacktree');
  assert.equal(s.check('mkdir -p /run/hacktree && mount -t tmpfs -o mode=755 hacktree-run /run/hacktree').status, 0);

  s.step('groupadd hacktree');
  s.step('useradd -m -G hacktree alice');
  s.step('useradd -m bob');
  daemonLog = join(s.shell().home, 'daemon.log');
  const started = s.check(`systemd-socket-activate --listen ${SOCKET} --setenv=PATH ${command} > ${daemonLog} 2>&1 & echo $!`);
  daemonPid = started.stdout.trim();
  assert.match(daemonPid, /^\d+$/);
  const listening = s.check(`for i in $(seq 200); do test -S ${SOCKET} && break; sleep 0.05; done; chmod 666 ${SOCKET}`);
  assert.equal(listening.status, 0, `no socket at ${SOCKET}: ${s.check(`cat ${daemonLog}`).stdout}`);
  assert.match(s.check('id alice').stdout, /groups=.*\(hacktree\)/);
  assert.doesNotMatch(s.check('id bob').stdout, /hacktree/);
});

test('alice reads the root\'s status through the daemon: what root reads directly', () => {
  const shown = alice.step(`hacktree root status ${ROOT}`);
  assert.equal(shown, s.check(`hacktree root status ${ROOT}`).stdout);
  assert.match(shown, /^root 3\.2-runtime-opt-x86_64 at \/opt\/hacktree\/root-3\.2-runtime-opt-x86_64\n {2}current: /);
  // Socket activation: systemd-socket-activate made the socket, the first client started the daemon.
  assert.match(s.check(`cat ${daemonLog}`).stdout, /hacktree daemon: listening on the socket systemd passed/);
});

test('alice\'s make debug: the build runs as her, only the daemon writes the repository, the deployed root runs her hello', () => {
  alice.step('hacktree source hello ~/src/hello');
  alice.step('cd ~/src/hello', src);
  alice.step(`sed -i 's/^  set_program_name (argv\\[0\\]);/&\\n  wprintf (L"built by alice, without root\\\\n");/' src/hello.c`, src);
  const made = alice.step(`HACKTREE_ROOT=${PUBLIC} hacktree make debug`, src);
  assert.match(made, /^hello \S+ built debug against 3\.2-runtime-opt-x86_64: configured and built in \/home\/alice\/src\/hello\/hacktree-out\/work\/3\.2-runtime-opt-x86_64-debug$/m);
  assert.match(made, /^installed into local\/root-3\.2-runtime-opt-x86_64$/m);
  assert.equal(alice.step(`hacktree root run ${ROOT} -- hello`), 'built by alice, without root\nHello, world!\n');
  assert.match(alice.step(`hacktree root local ${ROOT}`), /^ {2}hello-runtime\t\S+\tdebug\t\d+ paths\thello-runtime,a=x86_64,b=debug,o=local,r=3\.2-opt-x86_64,/m);

  const uid = uidOf('alice');
  const log = s.check(`cat ${daemonLog}`).stdout;
  for (const operation of ['build-root', 'install-local', 'local']) assert.match(log, new RegExp(`uid ${uid} ${operation}: done`), `the daemon ran ${operation}`);
  // What the build made is hers; nothing in the repository or the deployments is.
  assert.equal(s.check(`stat -c %U ${src}/hacktree-out/hello-debug.log ${src}/hacktree-out/work/${ROOT}-debug/src/hello`).stdout, 'alice\nalice\n');
  assert.equal(s.check(`find /var/lib/hacktree/repo /opt/hacktree -uid ${uid} | head -3`).stdout, '');
  assert.equal(s.check(`stat -c %U ${PUBLIC}/usr/bin/hello`).stdout, 'root\n');
});

test('alice resets the root to master through the daemon', () => {
  assert.match(alice.step(`hacktree root reset ${ROOT}`), /^dropped local\/root-3\.2-runtime-opt-x86_64 \(was [0-9a-f]{40}\); root-3\.2-runtime-opt-x86_64 is [0-9a-f]{40}\nredeployed master at \/opt\/hacktree\n$/);
  assert.equal(alice.check(`hacktree root run ${ROOT} -- hello`).stdout, 'Hello, world!\n');
  assert.match(s.check(`cat ${daemonLog}`).stdout, new RegExp(`uid ${uidOf('alice')} reset: done`));
});

test('bob, outside the group, reads status and is refused a change with a clear error; nothing changes', () => {
  assert.equal(bob.step(`hacktree root status ${ROOT}`), s.check(`hacktree root status ${ROOT}`).stdout);
  const before = refs();
  const refused = bob.try(`hacktree root reset ${ROOT}`);
  assert.equal(refused.status, 13, refused.stderr);
  assert.match(refused.stderr, /^hacktree: error\[DAEMON_REFUSED\]: user bob \(uid \d+\) may not run reset through the daemon: it needs root or a member of group hacktree\n/);
  assert.match(refused.stderr, /hint: an admin adds bob to group hacktree \(usermod -aG hacktree bob/);
  assert.doesNotMatch(refused.stderr, /INTERNAL/);
  assert.equal(refs(), before);
  assert.equal(bob.check(`hacktree root run ${ROOT} -- hello`).stdout, 'Hello, world!\n');
});

// Always runs, whatever failed above: later journeys find the machine and the journey state as before.
test('the journey stops the daemon, deletes its users and group, and puts the repository\'s modes back', () => {
  if (daemonPid !== '') {
    const stopped = s.check(`kill ${daemonPid}; for i in $(seq 200); do kill -0 ${daemonPid} 2>/dev/null || exit 0; sleep 0.05; done; exit 1`);
    assert.equal(stopped.status, 0, 'the daemon stopped on SIGTERM');
    assert.match(s.check(`cat ${daemonLog}`).stdout, /hacktree daemon: stopping: SIGTERM/);
  }
  s.check('umount /run/hacktree');
  s.check('userdel -r alice; userdel -r bob; groupdel hacktree');
  assert.notEqual(s.check('getent group hacktree').status, 0);
  for (const line of modes.trim().split('\n')) {
    const [gid, mode, dir] = line.split(' ');
    s.check(`chgrp ${gid} ${dir} && chmod ${mode} ${dir}`);
  }
  const dirs = modes.trim().split('\n').map((line) => line.split(' ')[2]).join(' ');
  assert.equal(s.check(`stat -c '%g %a %n' ${dirs}`).stdout, modes);
  assert.equal(refs(), refsBefore, 'the repository\'s refs are as the journey found them');
});
