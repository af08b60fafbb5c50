#!/usr/bin/python
# -*- coding: utf-8 -*-
"""Deploys the app server's files in one module run.

ansible.builtin.copy runs a module on the instance for every file it copies (a stat, then a copy
when the file differs; a file module for every folder of a folder it copies): the four sets of
files of the playbook cost a dozen Python processes. This module compares and writes all of them
in one, as copy does: a file is rewritten (to a temporary file in its folder, moved over it) only
when its content differs, and its owner, group and mode are set where they differ. Nothing it does
not deploy is removed. A set with C(touch) instead of C(src) creates an empty file where none is,
as ansible.builtin.file's state=touch with its times preserved: an existing file keeps its content
and times, and only its owner, group and mode are set where they differ. It reports which sets changed (`changed_sets`), so that the playbook reloads
or restarts the app for what changed. Ansible finds it in the `library` folder beside the playbook.
"""
import grp
import hashlib
import os
import pwd
import stat
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.parsing.convert_bool import boolean

DOCUMENTATION = r'''
module: deploy_files
short_description: Deploys sets of files, each with its owner, group and mode, in one run
options:
  sets:
    description:
      - Each set has a C(name), a C(src) (a file, or a folder whose content is deployed into C(dest)),
        a C(dest), an C(owner), a C(group) and a C(mode) (octal). In a folder's set, every file gets
        C(mode) and every folder C(mode) with an execute bit wherever it has a read bit: what copy's
        symbolic C(u=rwX,g=rX,o=) gives a new file and a folder. A set with C(touch) true and no
        C(src) makes C(dest) a file that exists (empty when created) and leaves its content alone.
    type: list
    elements: dict
    required: true
'''


def digest(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(65536), b''):
            h.update(block)
    return h.hexdigest()


def with_search_bits(mode):
    """u=rwX,g=rX,o= as chmod reads X: an execute bit wherever the read bit is."""
    return mode | ((mode & 0o444) >> 2)


class Deployer(object):
    def __init__(self, module):
        self.module = module
        self.changed_paths = []

    def ensure_attributes(self, path, uid, gid, mode):
        st = os.lstat(path)
        changed = False
        if (st.st_uid, st.st_gid) != (uid, gid):
            changed = True
            if not self.module.check_mode:
                os.lchown(path, uid, gid)
        if stat.S_IMODE(st.st_mode) != mode:
            changed = True
            if not self.module.check_mode:
                os.chmod(path, mode)
        return changed

    def ensure_folder(self, path, uid, gid, mode):
        if not os.path.isdir(path):
            if not self.module.check_mode:
                os.makedirs(path)
                self.ensure_attributes(path, uid, gid, mode)
            self.changed_paths.append(path)
            return True
        if self.ensure_attributes(path, uid, gid, mode):
            self.changed_paths.append(path)
            return True
        return False

    def ensure_file(self, src, dest, uid, gid, mode):
        if os.path.isdir(dest):
            self.module.fail_json(msg='%s is a folder: %s, a file, cannot be deployed over it' % (dest, src))
        if not os.path.exists(dest) or digest(dest) != digest(src):
            if not os.path.isdir(os.path.dirname(dest)) and not self.module.check_mode:
                # As copy: it creates the folders of a folder it copies, not the folder of a file.
                self.module.fail_json(msg='%s cannot be written: its folder %s does not exist' % (dest, os.path.dirname(dest)))
            if not self.module.check_mode:
                # As ansible.builtin.copy writes a file: a temporary copy in the destination's
                # folder, moved over it by AnsibleModule.atomic_move (which gives it the SELinux
                # context the old file had, or the folder's default), then owner, group and mode.
                fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(dest), dir=os.path.dirname(dest))
                try:
                    with os.fdopen(fd, 'wb') as out, open(src, 'rb') as source:
                        for block in iter(lambda: source.read(65536), b''):
                            out.write(block)
                    self.module.atomic_move(tmp, dest)
                finally:
                    if os.path.exists(tmp):
                        os.unlink(tmp)
                os.chown(dest, uid, gid)
                os.chmod(dest, mode)
            self.changed_paths.append(dest)
            return True
        if self.ensure_attributes(dest, uid, gid, mode):
            self.changed_paths.append(dest)
            return True
        return False

    def ensure_exists(self, dest, uid, gid, mode):
        if os.path.isdir(dest):
            self.module.fail_json(msg='%s is a folder: it cannot be created as a file' % dest)
        if not os.path.exists(dest):
            folder = os.path.dirname(dest)
            if not os.path.isdir(folder):
                self.module.fail_json(msg='%s cannot be created: its folder %s does not exist' % (dest, folder))
            if not self.module.check_mode:
                fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                os.close(fd)
                os.chown(dest, uid, gid)
                os.chmod(dest, mode)
            self.changed_paths.append(dest)
            return True
        if self.ensure_attributes(dest, uid, gid, mode):
            self.changed_paths.append(dest)
            return True
        return False

    def deploy(self, entry):
        try:
            uid = pwd.getpwnam(entry['owner']).pw_uid
            gid = grp.getgrnam(entry['group']).gr_gid
        except KeyError as e:
            self.module.fail_json(msg='set %s: no such user or group: %s' % (entry['name'], e))
        mode = int(str(entry['mode']), 8)
        dest = entry['dest']
        if boolean(entry.get('touch', False)):
            return self.ensure_exists(dest, uid, gid, mode)
        src = entry['src']
        if not os.path.exists(src):
            self.module.fail_json(msg='set %s: %s does not exist' % (entry['name'], src))
        if not os.path.isdir(src):
            return self.ensure_file(src, dest, uid, gid, mode)
        folder_mode = with_search_bits(mode)
        changed = self.ensure_folder(dest, uid, gid, folder_mode)
        for root, folders, files in os.walk(src):
            folders.sort()
            target = os.path.join(dest, os.path.relpath(root, src))
            for name in folders:
                changed = self.ensure_folder(os.path.normpath(os.path.join(target, name)), uid, gid, folder_mode) or changed
            for name in sorted(files):
                changed = self.ensure_file(os.path.join(root, name), os.path.normpath(os.path.join(target, name)), uid, gid, mode) or changed
        return changed


def main():
    module = AnsibleModule(
        argument_spec=dict(sets=dict(type='list', elements='dict', required=True)),
        supports_check_mode=True,
    )
    for entry in module.params['sets']:
        missing = [k for k in ('name', 'dest', 'owner', 'group', 'mode') if k not in entry]
        if missing:
            module.fail_json(msg='a set needs name, dest, owner, group, mode and either src or touch; %s lacks %s' % (entry.get('name', entry), ', '.join(missing)))
        if ('src' in entry) == boolean(entry.get('touch', False)):
            module.fail_json(msg='set %s: give either src (what to deploy) or touch: true (an empty file where none is), not %s' % (
                entry['name'], 'both' if 'src' in entry else 'neither'))
    deployer = Deployer(module)
    changed_sets = [entry['name'] for entry in module.params['sets'] if deployer.deploy(entry)]
    module.exit_json(changed=len(changed_sets) > 0, changed_sets=changed_sets, changed_paths=deployer.changed_paths)


if __name__ == '__main__':
    main()
