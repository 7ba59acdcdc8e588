"""scripts/release against moto_server on 127.0.0.1. Run: python3 -m unittest discover --start-directory tests"""
import hashlib
import importlib.machinery
import importlib.util
import io
import json
import pathlib
import subprocess
import unittest
import zipfile

from moto_server import MotoTestCase
from project_fixture import assembly

ROOT = pathlib.Path(__file__).resolve().parent.parent
_loader = importlib.machinery.SourceFileLoader("release", str(ROOT / "scripts" / "release"))
release = importlib.util.module_from_spec(importlib.util.spec_from_loader("release", _loader))
_loader.exec_module(release)

# The outputs scripts/release reads, as the Pipeline stack declares them.
STACK = {
    "Resources": {"SourceBucket": {"Type": "AWS::S3::Bucket",
                                   "Properties": {"VersioningConfiguration": {"Status": "Enabled"}}}},
    "Outputs": {
        "SourceBucketName": {"Value": {"Ref": "SourceBucket"}},
        "SourceObjectKey": {"Value": "source/eks-pipeline.zip"},
        "PipelineName": {"Value": "eks-pipeline"},
    },
}


class ReleaseTest(MotoTestCase):
    def release(self, *args):
        return subprocess.run([str(ROOT / "scripts" / "release"), *args], cwd=ROOT, env=self.moto.environment(),
                              capture_output=True, text=True, timeout=300, check=False)

    def test_uploads_the_source_zip_to_the_stacks_bucket_and_key(self):
        cloudformation = self.moto.client("cloudformation")
        cloudformation.create_stack(StackName="eks-pipeline-pipeline", TemplateBody=json.dumps(STACK))
        bucket = cloudformation.describe_stack_resource(
            StackName="eks-pipeline-pipeline", LogicalResourceId="SourceBucket",
        )["StackResourceDetail"]["PhysicalResourceId"]

        result = self.release("--assembly", assembly(self))

        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        self.assertIn(f"Uploaded s3://{bucket}/source/eks-pipeline.zip", result.stdout)
        body = self.moto.client("s3").get_object(Bucket=bucket, Key="source/eks-pipeline.zip")["Body"].read()
        names = zipfile.ZipFile(io.BytesIO(body)).namelist()
        self.assertIn("app/pom.xml", names)
        self.assertIn("k8s/overlays/production/kustomization.yaml", names)
        self.assertFalse([n for n in names if "/target/" in n], "no build output")
        head = self.moto.client("s3").head_object(Bucket=bucket, Key="source/eks-pipeline.zip")
        self.assertEqual(hashlib.sha256(body).hexdigest(), head["Metadata"]["sha256"])

    def test_an_identical_zip_is_not_uploaded_again_unless_forced(self):
        s3 = self.moto.client("s3")
        s3.create_bucket(Bucket="source", CreateBucketConfiguration={"LocationConstraint": "us-east-2"})
        s3.put_bucket_versioning(Bucket="source", VersioningConfiguration={"Status": "Enabled"})
        # The deploy's seed: the same bytes, put without the digest.
        s3.put_object(Bucket="source", Key="source/eks-pipeline.zip", Body=b"zip one")

        def versions():
            return len(s3.list_object_versions(Bucket="source", Prefix="source/")["Versions"])

        self.assertFalse(release.upload(s3, "source", "source/eks-pipeline.zip", b"zip one"), "the seed's bytes")
        self.assertTrue(release.upload(s3, "source", "source/eks-pipeline.zip", b"zip two"))
        self.assertFalse(release.upload(s3, "source", "source/eks-pipeline.zip", b"zip two"))
        self.assertEqual(2, versions(), "each PutObject is an Object Created event, which starts a run")
        self.assertTrue(release.upload(s3, "source", "source/eks-pipeline.zip", b"zip two", force=True))
        self.assertEqual(3, versions())

    def test_fails_with_a_sentence_when_the_stack_is_not_deployed(self):
        result = self.release("--assembly", assembly(self, app="shop"))
        self.assertNotEqual(0, result.returncode)
        self.assertIn("Stack shop-pipeline has no SourceBucketName/SourceObjectKey outputs; is it deployed in "
                      "us-east-2?", result.stderr)

    def test_a_configuration_override_names_the_stack_it_reads(self):
        # A real synth with the override, as for verify-destroyed: the same folder under target/ serves both.
        result = self.release("-c", "appName=shop", "-c", "clusterName=shop-eks")
        self.assertEqual(1, result.returncode, result.stdout + result.stderr)
        self.assertIn("Stack shop-pipeline has no SourceBucketName/SourceObjectKey outputs", result.stderr)


if __name__ == "__main__":
    unittest.main()
