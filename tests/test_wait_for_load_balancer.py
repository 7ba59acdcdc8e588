"""k8s/wait-for-load-balancer, which the deploy runs before it exports SERVICE_URL, against moto_server's
Elastic Load Balancing on 127.0.0.1 with the real AWS CLI: the fast path, a target that turns healthy after
a few polls, and a load balancer that never gets one (bounded, with one line saying what it saw).
Run: python3 -m unittest discover --start-directory tests -p 'test_wait_for_load_balancer.py'"""
import pathlib
import subprocess
import time
import unittest

from moto_server import MotoTestCase

SCRIPT = pathlib.Path(__file__).resolve().parents[1] / "k8s" / "wait-for-load-balancer"


class WaitForLoadBalancerTest(MotoTestCase):
    def setUp(self):
        super().setUp()
        self.ec2, self.elb = self.moto.client("ec2"), self.moto.client("elbv2")
        vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = self.ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24", AvailabilityZone="us-east-2a")
        balancer = self.elb.create_load_balancer(Name="k8s-staging-hello", Type="network", Scheme="internet-facing",
                                                 Subnets=[subnet["Subnet"]["SubnetId"]])["LoadBalancers"][0]
        self.host, self.balancer = balancer["DNSName"], balancer["LoadBalancerArn"]
        self.group = self.elb.create_target_group(Name="k8s-staging-hello-http", Protocol="TCP", Port=8080,
                                                  VpcId=vpc, TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
        self.elb.create_listener(LoadBalancerArn=self.balancer, Protocol="TCP", Port=80,
                                 DefaultActions=[{"Type": "forward", "TargetGroupArn": self.group}])

    def wait(self, seconds, host=None):
        environment = self.moto.environment()
        environment["POLL_SECONDS"] = "1"
        return subprocess.run(["bash", str(SCRIPT), host or self.host, str(seconds)], env=environment,
                              capture_output=True, text=True, timeout=120, check=False)

    def register(self):
        self.elb.register_targets(TargetGroupArn=self.group, Targets=[{"Id": "10.0.0.10", "Port": 8080}])

    def test_an_active_load_balancer_with_a_healthy_target_is_ready_at_once(self):
        self.register()
        started = time.monotonic()
        result = self.wait(30)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertLess(time.monotonic() - started, 20)
        self.assertEqual(1, len(result.stdout.splitlines()), result.stdout)
        self.assertRegex(result.stdout, r"^Ready: load balancer \S+ is active; targets of k8s-staging-hello-http: "
                                        r"1 healthy\n$")

    def test_it_waits_with_progress_lines_until_a_target_is_registered_and_healthy(self):
        environment = self.moto.environment()
        environment["POLL_SECONDS"] = "1"
        lines = []
        with subprocess.Popen(["bash", str(SCRIPT), self.host, "90"], env=environment, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) as process:
            for line in process.stdout:  # a target registers once the script has polled twice without one
                lines.append(line.rstrip("\n"))
                if len(lines) == 2:
                    self.register()
            self.assertEqual(0, process.wait(timeout=60), process.stderr.read())
        self.assertGreaterEqual(len(lines), 3, lines)
        self.assertTrue(all(line.endswith("targets of k8s-staging-hello-http: none registered") for line in lines[:2]),
                        lines)
        self.assertTrue(all(line.startswith("Waiting: ") for line in lines[:-1]), lines)
        self.assertTrue(lines[-1].startswith("Ready: ") and lines[-1].endswith("1 healthy"), lines)

    def test_a_load_balancer_that_never_gets_a_healthy_target_fails_within_its_bound(self):
        started = time.monotonic()
        result = self.wait(3)
        self.assertEqual(1, result.returncode, result.stdout)
        self.assertLess(time.monotonic() - started, 30)
        self.assertEqual(["Gave up after 3s: load balancer " + self.host + " is active; targets of "
                          "k8s-staging-hello-http: none registered"], result.stderr.splitlines())

    def test_a_hostname_no_load_balancer_has_yet_is_waited_for_too(self):
        result = self.wait(2, host="k8s-staging-other-0123456789.elb.us-east-2.amazonaws.com")
        self.assertEqual(1, result.returncode)
        self.assertIn("Waiting: no load balancer answers at k8s-staging-other", result.stdout)
        self.assertIn("Gave up after 2s: no load balancer answers at", result.stderr)


if __name__ == "__main__":
    unittest.main()
