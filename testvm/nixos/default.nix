# NixOS VM test: a machine with the seed layout on a ZFS root, booted three times;
# two more machines delete @start and show both failure policies.
#
#   nix build .#checks.x86_64-linux.nixos-vm -L
#   nix run .#checks.x86_64-linux.nixos-vm.driverInteractive   # to poke at it
#
# Written to nixpkgs' conventions (pkgs.testers.runNixOSTest, nixos/lib/testing) and
# after nix-community/preservation's tests (testing.initrdBackdoor = true, checks inside
# the initrd, machine.switch_root(), machine.reboot()). Every boot stops in the initrd
# (initrdBackdoor) so that the test can look at /sysroot and at systemd's own record of
# when each unit ran, before switch-root.
#
# Asserted:
#  - the rollback unit finished before sysroot.mount started, and the persist unit
#    before initrd-fs.target was reached (systemd's monotonic timestamps, every boot);
#  - junk written to / in one boot is gone in the next; what was written under the
#    persisted paths is there with owner and mode; an entry with its own owner/mode is
#    created that way;
#  - machine-id and the ssh host key fingerprint are identical across boots;
#    first-boot-complete.target (ConditionFirstBoot) is active on boot 1 only, and
#    systemd-machine-id-commit.service does not fail;
#  - docker's zvol is mounted on top of the attached /var/lib;
#  - `blankslate check` exits 0;
#  - strict (onFailure = emergency), after `zfs destroy rpool/nixos/empty@start`: the
#    boot stops in emergency mode in the initrd, the junk is untouched, nothing is
#    attached; lenient (onFailure = continue): the boot goes on, with a journal entry at
#    priority crit, and the junk is still there.
{
  pkgs,
  blankslateModule,
}:

let
  inherit (pkgs) lib;
  seed = import ./seed-image.nix { inherit pkgs; };
  qemuImg = "${pkgs.qemu_test}/bin/qemu-img";

  common =
    { pkgs, ... }:
    {
      imports = [ blankslateModule ];

      boot.initrd.systemd.enable = true;
      # Stop in the initrd at initrd.target with a root shell for the test driver.
      testing.initrdBackdoor = true;
      boot.initrd.systemd.extraBin.mountpoint = "${pkgs.util-linux}/bin/mountpoint";

      boot.supportedFilesystems = [ "zfs" ];
      networking.hostId = "deadbeef";
      # qemu disks have no /dev/disk/by-id partition links; nixpkgs' installer test
      # (zfsroot) imports by uuid for the same reason.
      boot.zfs.devNodes = "/dev/disk/by-uuid";

      virtualisation = {
        memorySize = 2048;
        # The disk is the seed image (see the test script), not an ext4 root.
        useDefaultFilesystems = false;
        fileSystems = import ../../nix/seed-filesystems.nix;
      };

      blankslate.enable = true;
    };
in
pkgs.testers.runNixOSTest {
  name = "blankslate";

  defaults = common;

  nodes = {
    machine = {
      blankslate.directories = [
        {
          path = "/srv/data";
          user = "nobody";
          group = "nogroup";
          mode = "0750";
        }
      ];
      blankslate.docker.enable = true;
      blankslate.arcMax = 268435456;
      services.openssh.enable = true;
      # qemu-vm.nix replaces fileSystems wholesale by virtualisation.fileSystems
      # (mkVMOverride), which drops the module's fileSystems."/var/lib/docker"; the
      # same entry is restated here (the evaluation test checks the module's own).
      virtualisation.fileSystems."/var/lib/docker" = {
        device = "/dev/zvol/rpool/docker";
        fsType = "ext4";
        options = [ "x-systemd.requires-mounts-for=/var/lib" ];
      };
    };

    # Both break the boot by destroying @start; a kept root (keepRoots, 1 by
    # default) is a clone of @start and would keep it from being destroyed.
    strict = {
      blankslate.onFailure = "emergency";
      blankslate.keepRoots = 0;
      # The test instrumentation boots with boot.panic_on_fail, which turns
      # emergency.target into a kernel panic; here the emergency mode itself is the
      # thing to observe, with the backdoor shell surviving the isolate.
      boot.initrd.systemd.services.panic-on-fail.enable = false;
      boot.initrd.systemd.services.backdoor.unitConfig.IgnoreOnIsolate = true;
      boot.initrd.systemd.emergencyAccess = true;
    };

    lenient = {
      blankslate.onFailure = "continue";
      blankslate.keepRoots = 0;
    };
  };

  testScript = ''
    import re
    import subprocess

    def fresh_disk(m):
        """A private copy-on-write overlay of the seed image, where qemu-vm.nix looks
        for the machine's disk (virtualisation.diskImage = ./<hostname>.qcow2, relative
        to the machine's state directory)."""
        disk = m.state_dir / f"{m.name}.qcow2"
        disk.unlink(missing_ok=True)
        subprocess.run(
            ["${qemuImg}", "create", "-q", "-f", "qcow2", "-F", "qcow2",
             "-b", "${seed}/rpool.qcow2", str(disk)],
            check=True,
        )

    def prop(m, unit, name):
        return m.succeed(f"systemctl show --value -p {name} {unit}").strip()

    def usec(m, unit, name):
        value = prop(m, unit, name)
        return int(value) if value.isdigit() else 0

    def check_initrd_order(m):
        """In the initrd, from systemd's own timestamps: rollback finished before
        sysroot.mount started; persist finished before initrd-fs.target was reached."""
        for unit in ["blankslate-rollback.service", "blankslate-persist.service"]:
            assert prop(m, unit, "Result") == "success", f"{unit} did not succeed"
            assert prop(m, unit, "ActiveState") == "active", f"{unit} is not active"
        rb_start = usec(m, "blankslate-rollback.service", "ExecMainStartTimestampMonotonic")
        rb_exit = usec(m, "blankslate-rollback.service", "ExecMainExitTimestampMonotonic")
        root_start = usec(m, "sysroot.mount", "InactiveExitTimestampMonotonic")
        ps_start = usec(m, "blankslate-persist.service", "ExecMainStartTimestampMonotonic")
        ps_exit = usec(m, "blankslate-persist.service", "ExecMainExitTimestampMonotonic")
        fs_reached = usec(m, "initrd-fs.target", "ActiveEnterTimestampMonotonic")
        assert 0 < rb_exit <= root_start, f"rollback exited at {rb_exit}, sysroot.mount started at {root_start}"
        assert 0 < ps_exit <= fs_reached, f"persist exited at {ps_exit}, initrd-fs.target reached at {fs_reached}"
        m.log(f"unit time: rollback {(rb_exit - rb_start) / 1000:.1f} ms, persist {(ps_exit - ps_start) / 1000:.1f} ms")
        m.log(m.succeed("journalctl -b --no-pager -o short-monotonic -u blankslate-rollback.service -u blankslate-persist.service -u sysroot.mount"))

    def owner_mode(m, path):
        return m.succeed(f"stat -c '%a %u %g' {path}").strip()

    # ------------------------------------------------------------------------------
    # machine: the seed layout, three boots
    # ------------------------------------------------------------------------------
    fresh_disk(machine)
    machine.start(allow_reboot=True)

    with subtest("boot 1, initrd: rollback before sysroot.mount, entries attached"):
        machine.wait_for_unit("initrd.target")
        check_initrd_order(machine)
        for path in ["/sysroot/etc/nixos", "/sysroot/var/log", "/sysroot/var/lib", "/sysroot/srv/data"]:
            machine.succeed(f"mountpoint -q {path}")
        machine.succeed("test -L /sysroot/etc/ssh", "test -L /sysroot/etc/machine-id")
        assert owner_mode(machine, "/sysroot/srv/data") == "750 65534 65534"
        assert owner_mode(machine, "/sysroot/persist/srv/data") == "750 65534 65534"

    machine.switch_root()

    with subtest("boot 1: first boot, state written"):
        machine.wait_for_unit("multi-user.target")
        machine.succeed("systemctl is-active first-boot-complete.target")
        machine.fail("systemctl is-failed --quiet systemd-machine-id-commit.service")
        machine_id = machine.succeed("cat /etc/machine-id").strip()
        assert re.fullmatch("[0-9a-f]{32}", machine_id), f"machine-id is {machine_id!r}"
        assert machine.succeed("cat /persist/etc/machine-id").strip() == machine_id
        assert machine.succeed("readlink -f /etc/ssh").strip() == "/persist/etc/ssh"
        machine.wait_for_unit("sshd.service")
        host_key = machine.succeed("ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub").strip()
        machine.succeed("test -s /persist/etc/ssh/ssh_host_ed25519_key")

        assert machine.succeed("findmnt -n -o SOURCE /var/lib/docker").strip() in ["/dev/zd0", "/dev/zvol/rpool/docker"]
        machine.succeed("test -d /persist/var/lib/docker")  # its mount point is in the attached /var/lib
        machine.succeed("grep -qw 'zfs.zfs_arc_max=268435456' /proc/cmdline")

        machine.succeed(
            "echo junk > /junk-from-boot-1",
            "mkdir -p /usr/local/junk && echo junk > /usr/local/junk/file",
            "echo kept > /etc/nixos/kept",
            "install -d -m 0750 -o nobody -g nogroup /var/lib/blankslate-test",
            "echo data > /var/lib/blankslate-test/data",
            "chown nobody:nogroup /var/lib/blankslate-test/data",
            "chmod 0640 /var/lib/blankslate-test/data",
            "echo srv > /srv/data/file",
            "logger -t blankslate-test boot-1-was-here",
        )
        machine.succeed("blankslate check")
        machine.succeed("journalctl --sync && sync")

    machine.reboot()

    with subtest("boot 2, initrd: the root is blank again"):
        machine.wait_for_unit("initrd.target")
        check_initrd_order(machine)
        machine.fail("test -e /sysroot/junk-from-boot-1", "test -e /sysroot/usr/local/junk")
        assert machine.succeed("cat /sysroot/persist/etc/machine-id").strip() == machine_id

    machine.switch_root()

    with subtest("boot 2: persisted state back, identity stable, not a first boot"):
        machine.wait_for_unit("multi-user.target")
        machine.fail("test -e /junk-from-boot-1", "test -e /usr/local/junk")
        assert machine.succeed("cat /etc/nixos/kept").strip() == "kept"
        assert owner_mode(machine, "/var/lib/blankslate-test") == "750 65534 65534"
        assert owner_mode(machine, "/var/lib/blankslate-test/data") == "640 65534 65534"
        assert machine.succeed("cat /var/lib/blankslate-test/data").strip() == "data"
        assert owner_mode(machine, "/srv/data") == "750 65534 65534"
        assert machine.succeed("cat /srv/data/file").strip() == "srv"
        machine.succeed("journalctl --no-pager -t blankslate-test | grep -q boot-1-was-here")
        assert machine.succeed("cat /etc/machine-id").strip() == machine_id, "machine-id changed"
        machine.wait_for_unit("sshd.service")
        assert machine.succeed("ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub").strip() == host_key, "host key changed"
        machine.fail("systemctl is-active first-boot-complete.target")
        machine.fail("systemctl is-failed --quiet systemd-machine-id-commit.service")
        machine.succeed("blankslate check")
        machine.succeed("echo junk > /junk-from-boot-2", "sync")

    machine.reboot()

    with subtest("boot 3: the same again"):
        machine.wait_for_unit("initrd.target")
        check_initrd_order(machine)
        machine.switch_root()
        machine.wait_for_unit("multi-user.target")
        machine.fail("test -e /junk-from-boot-2")
        assert machine.succeed("cat /etc/machine-id").strip() == machine_id
        assert machine.succeed("ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub").strip() == host_key
        machine.fail("systemctl is-active first-boot-complete.target")
        machine.succeed("blankslate check")

    machine.shutdown()

    # ------------------------------------------------------------------------------
    # strict: @start deleted, onFailure = emergency
    # ------------------------------------------------------------------------------
    fresh_disk(strict)
    strict.start(allow_reboot=True)
    strict.wait_for_unit("initrd.target")
    strict.switch_root()
    strict.wait_for_unit("multi-user.target")
    strict.succeed("zfs destroy rpool/nixos/empty@start", "echo junk > /junk-before-failure", "sync")
    strict.reboot()

    with subtest("strict: emergency mode, nothing touched"):
        strict.wait_until_succeeds("systemctl is-active emergency.target", timeout=300)
        assert prop(strict, "blankslate-rollback.service", "ActiveState") == "failed"
        strict.log(strict.succeed("journalctl -b --no-pager -o cat -u blankslate-rollback.service"))
        assert "rpool/nixos/empty" in strict.succeed("journalctl -b --no-pager -o cat -u blankslate-rollback.service")
        strict.fail("mountpoint -q /sysroot/var/lib")
        strict.succeed(
            "if mountpoint -q /sysroot; then test -e /sysroot/junk-before-failure;"
            " else mkdir -p /run/look && mount -t zfs -o ro rpool/nixos/empty /run/look"
            " && test -e /run/look/junk-before-failure; fi"
        )
    strict.crash()

    # ------------------------------------------------------------------------------
    # lenient: @start deleted, onFailure = continue
    # ------------------------------------------------------------------------------
    fresh_disk(lenient)
    lenient.start(allow_reboot=True)
    lenient.wait_for_unit("initrd.target")
    lenient.switch_root()
    lenient.wait_for_unit("multi-user.target")
    lenient.succeed("zfs destroy rpool/nixos/empty@start", "echo junk > /junk-before-failure", "sync")
    lenient.reboot()

    with subtest("lenient: the boot continues, loudly"):
        lenient.wait_for_unit("initrd.target")
        assert prop(lenient, "blankslate-rollback.service", "Result") == "success"
        crit = lenient.succeed("journalctl -b --no-pager -o cat -p crit -u blankslate-rollback.service").strip()
        lenient.log(f"crit entry: {crit}")
        assert crit != "", "no journal entry at priority crit"
        lenient.succeed("mountpoint -q /sysroot/var/lib")
        lenient.switch_root()
        lenient.wait_for_unit("multi-user.target")
        lenient.succeed("test -e /junk-before-failure")
    lenient.shutdown()
  '';
}
