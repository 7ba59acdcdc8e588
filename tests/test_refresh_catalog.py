"""scripts/refresh-catalog against botocore Stubbers: every call is checked against the service's API model,
and every answer is shaped like AWS's (paginated, Price List products as JSON strings, timestamps with the
region's offset).
Run: python3 -m unittest discover --start-directory tests -p 'test_refresh_catalog.py'"""
import datetime
import decimal
import importlib.machinery
import importlib.util
import io
import json
import pathlib
import shutil
import tempfile
import unittest

import boto3
from botocore.stub import Stubber

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "refresh-catalog"
_loader = importlib.machinery.SourceFileLoader("refresh_catalog", str(SCRIPT))
_spec = importlib.util.spec_from_loader("refresh_catalog", _loader)
refresh_catalog = importlib.util.module_from_spec(_spec)
_loader.exec_module(refresh_catalog)

PACIFIC = datetime.timezone(datetime.timedelta(hours=-8))
PACIFIC_SUMMER = datetime.timezone(datetime.timedelta(hours=-7))
TODAY = "2026-12-08"
PREFIXES = {"us-east-1": "", "us-east-2": "USE2-", "us-west-2": "USW2-", "eu-west-1": "EU-", "eu-central-1": "EUC1-"}
USAGE = {"eks-control-plane-standard": "AmazonEKS-Hours:perCluster", "eks-control-plane-extended":
         "AmazonEKS-Hours:extendedSupport", "nat-gateway": "NatGateway-Hours", "nat-gateway-data": "NatGateway-Bytes",
         "network-load-balancer": "LoadBalancerUsage", "public-ipv4-address": "PublicIPv4:InUseAddress",
         "ebs-gp3": "EBS:VolumeUsage.gp3", "kms-key": "KMS-Keys", "logs-ingestion": "DataProcessing-Bytes",
         "logs-storage": "TimedStorage-ByteHrs", "cloudwatch-metric": "CW:MetricMonitorUsage",
         "cloudwatch-alarm-metric": "CW:AlarmMonitorUsage", "cloudwatch-dashboard": "DashboardsUsageHour"}
PRICE_LIST_UNIT = {"hour": "Hrs", "gib": "GB", "gib-month": "GB-Mo", "key-month": "Keys", "metric-month": "Metrics",
                   "alarm-month": "Alarms", "dashboard-month": "Dashboards"}


def product(region, usagetype, unit, usd, tiers=None):
    """One Price List product as GetProducts returns it: a JSON string with the product and its terms."""
    dimensions = {}
    for i, (begin, price) in enumerate(tiers or [("0", usd)]):
        dimensions[f"SKU.TERM.RATE{i}"] = {"unit": unit, "beginRange": begin, "endRange": "Inf",
                                           "pricePerUnit": {"USD": price}, "description": usagetype}
    return json.dumps({"product": {"productFamily": "x", "attributes": {"regionCode": region, "usagetype": usagetype},
                                   "sku": "SKU"},
                       "serviceCode": "x",
                       "terms": {"OnDemand": {"SKU.TERM": {"offerTermCode": "JRTCKXETXF", "sku": "SKU",
                                                           "priceDimensions": dimensions}}},
                       "version": "20261201", "publicationDate": "2026-12-01T00:00:00Z"})


def eks_version(version, released, standard_end, extended_end):
    """One DescribeClusterVersions entry: the dates are instants at midnight UTC, given in US Pacific time."""
    def instant(day):
        moment = datetime.datetime.fromisoformat(day + "T00:00:00+00:00")
        return moment.astimezone(PACIFIC_SUMMER if 3 < moment.month < 11 else PACIFIC)
    return {"clusterVersion": version, "clusterType": "eks", "defaultPlatformVersion": "eks.1", "defaultVersion": False,
            "releaseDate": instant(released), "endOfStandardSupportDate": instant(standard_end),
            "endOfExtendedSupportDate": instant(extended_end), "status": "STANDARD_SUPPORT",
            "versionStatus": "STANDARD_SUPPORT", "kubernetesPatchVersion": version + ".2"}


class RefreshCatalogTest(unittest.TestCase):
    def setUp(self):
        self.resources = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.resources)
        for name in ("eks-kubernetes-versions.csv", "prices.csv", "instance-types.csv"):
            shutil.copy(ROOT / "src" / "main" / "resources" / name, self.resources / name)
        self.clients = {"eks": boto3.client("eks", region_name="us-east-2", aws_access_key_id="x",
                                            aws_secret_access_key="x"),
                        "pricing": boto3.client("pricing", region_name="us-east-1", aws_access_key_id="x",
                                                aws_secret_access_key="x"),
                        "ec2": boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x",
                                            aws_secret_access_key="x")}
        self.stubs = {name: Stubber(client) for name, client in self.clients.items()}
        for stub in self.stubs.values():
            stub.activate()

    def rows(self, name):
        return [line for line in (self.resources / name).read_text().splitlines() if not line.startswith("#")]

    # --- what AWS answers -------------------------------------------------------------------------------

    def answer_versions(self, versions):
        """Two pages, as EKS pages them."""
        half = len(versions) // 2
        self.stubs["eks"].add_response("describe_cluster_versions", {"clusterVersions": versions[:half],
                                                                     "nextToken": "page-2"},
                                       {"clusterType": "eks", "includeAll": True})
        self.stubs["eks"].add_response("describe_cluster_versions", {"clusterVersions": versions[half:]},
                                       {"clusterType": "eks", "includeAll": True, "nextToken": "page-2"})

    def answer_prices(self, changed=None, unit_of=None):
        """One GetProducts per row of prices.csv, each with a product of another usage type beside the one
        asked for; the first row's answer comes in two pages."""
        changed, unit_of = changed or {}, unit_of or {}
        table = refresh_catalog.Table("prices.csv", 2, (self.resources / "prices.csv").read_text())
        for i, row in enumerate(table.rows):
            region, item, unit, usd = row.split(",")
            usd = changed.get((region, item), usd)
            if item.startswith("ec2:"):
                service, attributes = "AmazonEC2", dict(refresh_catalog.EC2_INSTANCE, instanceType=item[4:])
                usage, other = "BoxUsage:" + item[4:], "DedicatedUsage:" + item[4:]
            else:
                service, attributes, _ = refresh_catalog.ITEMS[item]
                usage, other = USAGE[item], USAGE[item] + "Provisioned"
            if item not in refresh_catalog.GLOBAL:
                attributes = dict(attributes, regionCode=region)
            filters = [{"Type": "TERM_MATCH", "Field": f, "Value": v} for f, v in sorted(attributes.items())]
            params = {"ServiceCode": service, "Filters": filters, "FormatVersion": "aws_v1"}
            unit_name = unit_of.get((region, item), PRICE_LIST_UNIT[unit])
            tiers = [("0", usd), ("10000", "0.1")] if item == "cloudwatch-metric" else None
            # The Price List spells prices with ten decimals.
            usd = format(decimal.Decimal(usd).quantize(decimal.Decimal("1E-10")), "f")
            prefix = "" if item in refresh_catalog.GLOBAL else PREFIXES[region]
            asked = product(region, prefix + usage, unit_name, usd, tiers)
            distractor = product(region, prefix + other, unit_name, "9.99")
            if i == 0:
                self.stubs["pricing"].add_response("get_products", {"FormatVersion": "aws_v1", "PriceList": [distractor],
                                                                    "NextToken": "next"}, params)
                self.stubs["pricing"].add_response("get_products", {"FormatVersion": "aws_v1", "PriceList": [asked]},
                                                   dict(params, NextToken="next"))
            else:
                self.stubs["pricing"].add_response("get_products", {"FormatVersion": "aws_v1",
                                                                    "PriceList": [distractor, asked]}, params)

    def answer_instance_types(self, changed=None):
        """DescribeInstanceTypes for every type prices.csv prices, in two pages."""
        table = refresh_catalog.Table("instance-types.csv", 1, (self.resources / "instance-types.csv").read_text())
        specs = []
        for row in table.rows:
            name, vcpu, memory, enis, ipv4, arch = (changed or {}).get(row.split(",")[0], row).split(",")
            specs.append({"InstanceType": name, "VCpuInfo": {"DefaultVCpus": int(vcpu)},
                          "MemoryInfo": {"SizeInMiB": int(memory)},
                          "NetworkInfo": {"MaximumNetworkInterfaces": int(enis), "Ipv4AddressesPerInterface": int(ipv4)},
                          "ProcessorInfo": {"SupportedArchitectures": ["arm64"] if arch == "arm64" else ["i386", "x86_64"]}})
        prices = refresh_catalog.Table("prices.csv", 2, (self.resources / "prices.csv").read_text())
        asked = []
        for row in prices.rows:
            item = row.split(",")[1]
            if item.startswith("ec2:") and item[4:] not in asked:
                asked.append(item[4:])
        self.assertEqual(sorted(asked), sorted(s["InstanceType"] for s in specs), "the table holds every priced type")
        by_name = {s["InstanceType"]: s for s in specs}
        self.stubs["ec2"].add_response("describe_instance_types",
                                       {"InstanceTypes": [by_name[t] for t in asked[:20]], "NextToken": "more"},
                                       {"InstanceTypes": asked})
        self.stubs["ec2"].add_response("describe_instance_types", {"InstanceTypes": [by_name[t] for t in asked[20:]]},
                                       {"InstanceTypes": asked, "NextToken": "more"})

    def current_versions(self):
        table = refresh_catalog.Table("v", 1, (self.resources / "eks-kubernetes-versions.csv").read_text())
        return [eks_version(*row.split(",")) for row in table.rows]

    def run_refresh(self, **kwargs):
        out = io.StringIO()
        refused = refresh_catalog.refresh(self.clients, TODAY, resources=self.resources, out=out, **kwargs)
        for stub in self.stubs.values():
            stub.assert_no_pending_responses()
        return refused, out.getvalue()

    # --- the tests ------------------------------------------------------------------------------------

    def test_answers_equal_to_the_tables_change_no_row_and_date_every_table(self):
        before = {name: self.rows(name) for name in ("eks-kubernetes-versions.csv", "instance-types.csv")}
        prices_before = [r for r in self.rows("prices.csv") if not r.startswith("priced_on,")]
        self.answer_versions(self.current_versions())
        self.answer_prices()
        self.answer_instance_types()

        refused, out = self.run_refresh()

        self.assertEqual(0, refused, out)
        self.assertEqual("eks-kubernetes-versions.csv: unchanged\nprices.csv: unchanged\ninstance-types.csv: unchanged\n",
                         out)
        for name, rows in before.items():
            self.assertEqual(rows, self.rows(name), name)
        self.assertEqual(prices_before, [r for r in self.rows("prices.csv") if not r.startswith("priced_on,")])
        self.assertIn(f"priced_on,{TODAY}", self.rows("prices.csv"))
        firsts = {name: (self.resources / name).read_text().splitlines()[0] for name in before}
        self.assertEqual(f"# refreshed: {TODAY}, source: EKS DescribeClusterVersions (us-east-2)",
                         firsts["eks-kubernetes-versions.csv"])
        self.assertEqual(f"# refreshed: {TODAY}, source: EC2 DescribeInstanceTypes (us-east-1)",
                         firsts["instance-types.csv"])
        self.assertEqual(f"# refreshed: {TODAY}, source: the AWS Price List API, GetProducts (us-east-1), on-demand",
                         (self.resources / "prices.csv").read_text().splitlines()[0])
        # The explanation under the first line is kept.
        self.assertIn("# Amazon EKS Kubernetes release calendar", (self.resources / "eks-kubernetes-versions.csv")
                      .read_text().replace("# The Amazon", "# Amazon"))

    def test_prints_what_changed_and_writes_it(self):
        self.answer_versions(self.current_versions() + [eks_version("1.37", "2026-10-06", "2027-12-06", "2028-12-06")])
        self.answer_prices(changed={("us-east-2", "nat-gateway"): "0.05", ("eu-west-1", "ec2:m5.large"): "0.11"})
        self.answer_instance_types(changed={"t3.small": "t3.small,2,2048,3,5,x86_64"})

        refused, out = self.run_refresh()

        self.assertEqual(0, refused, out)
        self.assertIn("eks-kubernetes-versions.csv: 1 row(s) changed\n  + 1.37,2026-10-06,2027-12-06,2028-12-06\n", out)
        self.assertIn("  ~ us-east-2,nat-gateway,hour,0.045 -> us-east-2,nat-gateway,hour,0.05\n", out)
        self.assertIn("  ~ eu-west-1,ec2:m5.large,hour,0.107 -> eu-west-1,ec2:m5.large,hour,0.11\n", out)
        self.assertIn("instance-types.csv: 1 row(s) changed\n  ~ t3.small,2,2048,3,4,x86_64 -> t3.small,2,2048,3,5,x86_64\n",
                      out)
        self.assertEqual("1.37,2026-10-06,2027-12-06,2028-12-06", self.rows("eks-kubernetes-versions.csv")[-1])
        self.assertIn("us-east-2,nat-gateway,hour,0.05", self.rows("prices.csv"))

    def test_dry_run_prints_and_writes_nothing(self):
        before = {p.name: p.read_text() for p in self.resources.iterdir()}
        self.answer_versions(self.current_versions()[:-1] + [eks_version("1.36", "2026-06-02", "2027-08-03", "2028-08-02")])
        self.answer_prices()
        self.answer_instance_types()

        refused, out = self.run_refresh(dry_run=True)

        self.assertEqual(0, refused)
        self.assertIn("  ~ 1.36,2026-06-02,2027-08-02,2028-08-02 -> 1.36,2026-06-02,2027-08-03,2028-08-02", out)
        self.assertEqual(before, {p.name: p.read_text() for p in self.resources.iterdir()})

    def test_refuses_a_versions_table_without_the_default_version_and_still_writes_the_others(self):
        before = (self.resources / "eks-kubernetes-versions.csv").read_text()
        self.answer_versions([v for v in self.current_versions() if v["clusterVersion"] != "1.36"])
        self.answer_prices(changed={("us-east-2", "kms-key"): "1.5"})
        self.answer_instance_types()

        refused, out = self.run_refresh()

        self.assertEqual(1, refused)
        self.assertIn("REFUSED eks-kubernetes-versions.csv would lose 1.36, which the app's defaults (cdk.json) need; "
                      "not written\n", out)
        self.assertEqual(before, (self.resources / "eks-kubernetes-versions.csv").read_text())
        self.assertIn("us-east-2,kms-key,key-month,1.5", self.rows("prices.csv"))

    def test_a_price_in_another_unit_is_never_written(self):
        self.answer_versions(self.current_versions())
        self.answer_prices(unit_of={("eu-central-1", "ebs-gp3"): "GB-Hrs"})
        self.answer_instance_types()
        before = (self.resources / "prices.csv").read_text()

        refused, out = self.run_refresh()

        self.assertEqual(1, refused)
        self.assertIn("prices.csv: eu-central-1 ebs-gp3: priced per 'GB-Hrs', not in the table's unit gib-month\n", out)
        self.assertIn("REFUSED prices.csv would lose eu-central-1,ebs-gp3", out)
        self.assertEqual(before, (self.resources / "prices.csv").read_text())

    def test_an_instance_type_gone_from_a_region_leaves_only_its_row(self):
        table = refresh_catalog.Table("prices.csv", 2, (self.resources / "prices.csv").read_text())
        self.assertIn("eu-central-1,ec2:c6i.large,hour,0.097", table.rows)
        self.answer_versions(self.current_versions())
        self.answer_prices(unit_of={("eu-central-1", "ec2:c6i.large"): "Quantity"})
        self.answer_instance_types()

        refused, out = self.run_refresh()

        self.assertEqual(0, refused, out)
        self.assertIn("  - eu-central-1,ec2:c6i.large,hour,0.097\n", out)
        self.assertNotIn("eu-central-1,ec2:c6i.large,hour,0.097", self.rows("prices.csv"))

    def test_support_dates_are_the_utc_day_of_the_instants_eks_returns(self):
        # AWS's own example: 1.31's release "2024-09-25T17:00:00-07:00" is the calendar's September 26, 2024.
        moment = datetime.datetime(2024, 9, 25, 17, 0, tzinfo=PACIFIC_SUMMER)
        self.assertEqual("2024-09-26", refresh_catalog.utc_day(moment))


if __name__ == "__main__":
    unittest.main()
