package com.ekspipeline.cluster;

import com.ekspipeline.core.AppTag;
import com.ekspipeline.core.SortedJson;
import software.amazon.awscdk.services.eks_v2.KubernetesManifest;
import software.constructs.Construct;

import java.util.Map;

/**
 * The cluster's default StorageClass: encrypted gp3 EBS volumes through the EBS CSI driver, created in
 * the zone of the pod that first uses them (WaitForFirstConsumer), and deleted with their claim. Each
 * volume carries the app tag and the cluster's ownership tag, so verify-destroyed finds any left behind.
 */
public final class DefaultStorageClass extends Construct {

    public static final String NAME = "gp3-encrypted";

    /** @param appName the app tag's value, which every volume carries */
    public DefaultStorageClass(final Construct scope, final String id, final ClusterInfo info, final String appName) {
        super(scope, id);
        final KubernetesManifest manifest = info.addManifest("Gp3StorageClass", SortedJson.of(Map.of(
                "apiVersion", "storage.k8s.io/v1",
                "kind", "StorageClass",
                "metadata", Map.of(
                        "name", NAME,
                        "annotations", Map.of("storageclass.kubernetes.io/is-default-class", "true")),
                "provisioner", "ebs.csi.aws.com",
                "parameters", Map.of("type", "gp3", "encrypted", "true", "csi.storage.k8s.io/fstype", "ext4",
                        "tagSpecification_1", AppTag.KEY + "=" + appName,
                        "tagSpecification_2", "kubernetes.io/cluster/" + info.name() + "=owned"),
                "volumeBindingMode", "WaitForFirstConsumer",
                "reclaimPolicy", "Delete",
                "allowVolumeExpansion", true)));
        // The EBS CSI driver deletes the namespaces' volumes through this class while they are deleted.
        info.order().outlivesNamespaces(manifest);
    }
}
