#!/usr/bin/python
# -*- coding: utf-8 -*-
"""The dnf module on a local host: runs the dnf shim, which installs from the Debian packages of the machine.

ansible.builtin.package picks `ansible.legacy.dnf` on Amazon Linux 2023, and ansible.legacy
modules are looked up in this library folder first. Only installing is emulated.
"""
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type='list', elements='str', aliases=['pkg'], default=[]),
            state=dict(type='str', choices=['absent', 'installed', 'latest', 'present', 'removed']),
            update_cache=dict(type='bool', default=False, aliases=['expire-cache']),
            enablerepo=dict(type='list', elements='str', default=[]),
            disablerepo=dict(type='list', elements='str', default=[]),
            disable_gpg_check=dict(type='bool', default=False),
            install_weak_deps=dict(type='bool', default=True),
            allowerasing=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    names = module.params['name']
    state = module.params['state'] or 'present'
    if state in ('absent', 'removed'):
        module.fail_json(msg='dnf state=%s: removing packages is not emulated on a local host' % state)
    if module.check_mode:
        rc, out, err = module.run_command(['/usr/bin/rpm', '-q'] + names)
        module.exit_json(changed=rc != 0, results=out.splitlines())
    rc, out, err = module.run_command(['/usr/bin/dnf', 'install', '-y'] + names)
    if rc != 0:
        module.fail_json(msg=err.strip() or out.strip(), rc=rc, results=out.splitlines(), failures=err.splitlines())
    module.exit_json(changed='Nothing to do.' not in out, msg=out.strip(), results=out.splitlines(), rc=0)


if __name__ == '__main__':
    main()
