import assert from 'node:assert/strict';
import { test } from 'node:test';
import { story } from './story.js';

// An admin's day, as the README tells it: a config.d script on the deployed runtime root,
// a hand-packed local artifact installed, a rollback, and back to master.
const s = story();
const ROOT = '3.2-runtime-opt-x86_64';
const PUBLIC = `/opt/hacktree/root-${ROOT}`;

test('a config.d script changes the deployed root through a shadow, and the change is a commit', () => {
  s.step('mkdir -p ~/config.d');
  s.step(`printf '#!/bin/sh\\necho "Welcome to the build farm" > /etc/motd\\n' > ~/config.d/10-motd`);
  s.step('chmod +x ~/config.d/10-motd');
  s.step(`hacktree config apply ${ROOT} --scripts ~/config.d`);
  assert.equal(s.step(`cat ${PUBLIC}/etc/motd`), 'Welcome to the build farm\n');
  assert.match(s.step(`hacktree config diff ${ROOT}`), /etc\/motd/);
  const touch = s.check(`touch ${PUBLIC}/etc/motd`);
  assert.notEqual(touch.status, 0, 'the published root is read-only');
});

test('a hand-packed artifact goes in with install-local; rollback takes the previous deployment back', () => {
  s.step('mkdir -p ~/site/usr/share/site-info && echo "rack 12, row 3" > ~/site/usr/share/site-info/location');
  s.step('hacktree artifact pack ~/site --name site-info --version 1 --root 3.2-opt-x86_64 --flavor opt --origin local --out ~/out');
  s.step(`hacktree root install-local ~/out/site-info-runtime,*.tar.gz --root ${ROOT}`);
  assert.equal(s.step(`cat ${PUBLIC}/usr/share/site-info/location`), 'rack 12, row 3\n');
  assert.match(s.step(`hacktree root local ${ROOT}`), /site-info-runtime,b=opt,o=local,r=3\.2-opt-x86_64,v=1,\.tar\.gz/);
  s.step(`hacktree root rollback ${ROOT}`);
  assert.notEqual(s.check(`test -e ${PUBLIC}/usr/share/site-info/location`).status, 0, 'the previous deployment has no site-info');
  assert.equal(s.check(`cat ${PUBLIC}/etc/motd`).stdout, 'Welcome to the build farm\n', 'the previous deployment is the configured one');
});

test('reset takes the root back to master; fsck is clean', () => {
  s.step(`hacktree root reset ${ROOT}`);
  assert.notEqual(s.check(`test -e ${PUBLIC}/etc/motd && grep -q "build farm" ${PUBLIC}/etc/motd`).status, 0);
  assert.equal(s.step(`hacktree root run ${ROOT} -- hello`), 'Hello, world!\n');
  s.step('hacktree fsck');
});
