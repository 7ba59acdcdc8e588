package com.ekspipeline.cluster;

import com.ekspipeline.core.SortedJson;
import software.amazon.awscdk.services.eks_v2.KubernetesManifest;
import software.constructs.Construct;

import java.util.EnumMap;
import java.util.List;
import java.util.Set;
import java.util.Map;

/**
 * The {@code staging} and {@code production} namespaces, each with a ResourceQuota and a LimitRange (in a
 * manifest of their own, see {@link #limits}).
 *
 * <p>CDK owns them so that {@code cdk destroy} deletes them first: deleting a namespace deletes every
 * Service of type LoadBalancer and every PersistentVolumeClaim the pipeline put in it, and the load
 * balancer controller and the EBS CSI driver, still running, release the NLBs and volumes in AWS.
 * Each namespace declares itself in the cluster's {@link ClusterOrder}, which deletes it before all that.
 */
public final class StageNamespaces extends Construct {

    /** What one stage may use in total; the workload's autoscaling bounds must fit inside it. */
    public record Quota(String requestsCpu, String requestsMemory, String limitsCpu, String limitsMemory,
                 int claims, String storage, int loadBalancers) {
    }

    static final Map<Stage, Quota> QUOTAS = new EnumMap<>(Map.of(
            Stage.STAGING, new Quota("4", "8Gi", "8", "16Gi", 5, "50Gi", 2),
            Stage.PRODUCTION, new Quota("8", "16Gi", "16", "32Gi", 10, "100Gi", 2)));

    /** @param stages the namespaces to make: both on the shared cluster, a stage's own on its cluster */
    public StageNamespaces(final Construct scope, final String id, final ClusterInfo info, final Set<Stage> stages) {
        super(scope, id);
        QUOTAS.entrySet().stream().filter(entry -> stages.contains(entry.getKey())).forEach(entry -> {
            final Stage stage = entry.getKey();
            final Quota quota = entry.getValue();
            final KubernetesManifest namespace = info.addManifest(stage.title() + "Namespace",
                    SortedJson.of(namespace(stage)));
            info.order().namespace(namespace);
            limits(stage, quota, info).getNode().addDependency(namespace);
        });
    }

    /**
     * The quota and the limit range, in a manifest of their own that is deleted before the namespace. In one
     * manifest with it, CDK's kubectl handler runs one {@code kubectl delete -f} over all three: deleting the
     * namespace deletes them too, kubectl's delete of either finds it gone, fails with NotFound and stops
     * before waiting for the namespace, and the handler logs the failure and answers SUCCESS
     * (aws-eks-v2 kubectl-handler apply/__init__.py). CloudFormation would then delete the controllers while
     * the namespace is still terminating. Alone, the namespace's delete waits until it is gone.
     *
     * <p>Overwrite: an existing deployment holds these objects from the namespace's manifest, so this one is
     * created with {@code kubectl apply}, which takes them over, not {@code kubectl create}, which would fail.
     */
    private KubernetesManifest limits(final Stage stage, final Quota quota, final ClusterInfo info) {
        return KubernetesManifest.Builder.create(this, stage.title() + "Limits")
                .cluster(info.cluster())
                .manifest(List.of(SortedJson.of(resourceQuota(stage, quota)), SortedJson.of(limitRange(stage))))
                .overwrite(true)
                .build();
    }

    public static Quota quota(final Stage stage) {
        return QUOTAS.get(stage);
    }

    private static Map<String, Object> namespace(final Stage stage) {
        return Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of(
                "name", stage.namespace(),
                "labels", Map.of("stage", stage.namespace(),
                        // Restricted Pod Security: non-root, no privilege escalation, dropped capabilities.
                        "pod-security.kubernetes.io/enforce", "restricted",
                        // A new pod is Ready only once the NLB sees it healthy, so a rollout never leaves the
                        // target group with only initial and draining targets (aws-load-balancer-controller#1834).
                        // The controller's webhook injects the gate; the namespaces come after the controller.
                        // https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/pod_readiness_gate/
                        "elbv2.k8s.aws/pod-readiness-gate-inject", "enabled")));
    }

    private static Map<String, Object> resourceQuota(final Stage stage, final Quota quota) {
        return Map.of("apiVersion", "v1", "kind", "ResourceQuota",
                "metadata", Map.of("name", "stage-quota", "namespace", stage.namespace()),
                "spec", Map.of("hard", Map.of(
                        "requests.cpu", quota.requestsCpu(),
                        "requests.memory", quota.requestsMemory(),
                        "limits.cpu", quota.limitsCpu(),
                        "limits.memory", quota.limitsMemory(),
                        "persistentvolumeclaims", String.valueOf(quota.claims()),
                        "requests.storage", quota.storage(),
                        "services.loadbalancers", String.valueOf(quota.loadBalancers()))));
    }

    private static Map<String, Object> limitRange(final Stage stage) {
        return Map.of("apiVersion", "v1", "kind", "LimitRange",
                "metadata", Map.of("name", "container-defaults", "namespace", stage.namespace()),
                "spec", Map.of("limits", List.of(Map.of(
                        "type", "Container",
                        "defaultRequest", Map.of("cpu", "100m", "memory", "128Mi"),
                        "default", Map.of("cpu", "500m", "memory", "512Mi"),
                        "max", Map.of("cpu", "2", "memory", "4Gi")))));
    }
}
