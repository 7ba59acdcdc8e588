"""A cloud assembly holding only project.json, shaped as synth writes it (ProjectFile.java), so the scripts'
tests need no synth. test_project.py checks a real synth's file against this shape."""
import json
import pathlib
import tempfile


def project(app="eks-pipeline", cluster=None, region="us-east-2"):
    cluster = cluster or app
    return {
        "appName": app,
        "region": region,
        "clusterName": cluster,
        "kubernetesVersion": "1.35",
        "tag": {"key": "app", "value": app},
        "stacks": [{"id": stack, "name": f"{app}-{stack.lower()}"} for stack in ("Network", "Cluster", "Nodes", "Pipeline")],
        "pipeline": {"name": app, "stack": f"{app}-pipeline", "sourceObjectKey": "source/eks-pipeline.zip"},
        "logGroupPrefixes": [f"/aws/eks/{cluster}/", f"/aws/containerinsights/{cluster}/", f"/aws/codebuild/{app}-",
                             f"/aws/lambda/{app}-"],
        "context": {"appName": app, "region": region},
    }


def assembly(test, **names):
    """A temporary folder with project.json for `names`, removed when `test` ends."""
    folder = pathlib.Path(tempfile.mkdtemp())
    test.addCleanup(lambda: [p.unlink() for p in folder.iterdir()] and None or folder.rmdir())
    (folder / "project.json").write_text(json.dumps(project(**names)))
    return str(folder)
