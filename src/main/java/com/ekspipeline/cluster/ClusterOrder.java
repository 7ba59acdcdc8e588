package com.ekspipeline.cluster;

import software.constructs.IConstruct;

import java.util.ArrayList;
import java.util.List;

/**
 * The order CloudFormation must follow around the nodes and the stage namespaces, declared by each part
 * of the cluster for itself, so that adding a controller does not mean editing the stack.
 *
 * <ul>
 *   <li>Nodes become Ready only once the networking add-ons run ({@link #nodesNeed}).</li>
 *   <li>Whatever schedules pods (CoreDNS, controllers) waits for nodes ({@link #runsOnNodes}).</li>
 *   <li>The stage namespaces are deleted first, while what releases their load balancers and volumes
 *       still runs ({@link #outlivesNamespaces}): the nodes, the add-ons and the controllers.</li>
 *   <li>Whatever must act before the namespaces go is deleted before them ({@link #deletedBeforeNamespaces}),
 *       such as bringing parked nodes back.</li>
 *   <li>Whatever checks what the namespaces left is deleted after them and before all that outlives them
 *       ({@link #checksWhatNamespacesLeft}): the leftover waiter.</li>
 * </ul>
 *
 * <p>Each declaration is wired at once to every counterpart already declared, and remembered for those
 * declared later, so the order in which parts are created does not matter.
 */
public final class ClusterOrder {

    private final List<IConstruct> nodeGroups = new ArrayList<>();
    private final List<IConstruct> neededByNodes = new ArrayList<>();
    private final List<IConstruct> onNodes = new ArrayList<>();
    private final List<IConstruct> namespaces = new ArrayList<>();
    private final List<IConstruct> outliving = new ArrayList<>();
    private final List<IConstruct> beforeNamespaces = new ArrayList<>();
    private final List<IConstruct> checks = new ArrayList<>();

    /** A node group: it waits for the networking add-ons, and whatever runs on nodes waits for it. */
    public void nodeGroup(final IConstruct group) {
        nodeGroups.add(group);
        neededByNodes.forEach(needed -> after(group, needed));
        onNodes.forEach(part -> after(part, group));
        outlivesNamespaces(group);
    }

    /** Something nodes need before they become Ready, such as the VPC CNI. */
    public void nodesNeed(final IConstruct part) {
        neededByNodes.add(part);
        nodeGroups.forEach(group -> after(group, part));
    }

    /** Something whose pods need nodes to be scheduled on before it can succeed. */
    public void runsOnNodes(final IConstruct part) {
        onNodes.add(part);
        nodeGroups.forEach(group -> after(part, group));
    }

    /** A stage namespace, deleted before everything that {@link #outlivesNamespaces}. */
    public void namespace(final IConstruct namespace) {
        namespaces.add(namespace);
        outliving.forEach(part -> after(namespace, part));
        beforeNamespaces.forEach(part -> after(part, namespace));
        checks.forEach(check -> after(namespace, check));
    }

    /** Something whose deletion must come before the namespaces', as its delete prepares for theirs. */
    public void deletedBeforeNamespaces(final IConstruct part) {
        beforeNamespaces.add(part);
        namespaces.forEach(namespace -> after(part, namespace));
    }

    /** Something that must still run while the namespaces are deleted, to release what they held. */
    public void outlivesNamespaces(final IConstruct part) {
        outliving.add(part);
        namespaces.forEach(namespace -> after(namespace, part));
        checks.forEach(check -> after(check, part));
    }

    /**
     * Something deleted once the namespaces are gone and while everything that outlives them still runs,
     * so that its delete sees what the namespaces left and the controllers can still release it.
     */
    public void checksWhatNamespacesLeft(final IConstruct check) {
        checks.add(check);
        namespaces.forEach(namespace -> after(namespace, check));
        outliving.forEach(part -> after(check, part));
    }

    /** {@code later} is created after {@code earlier} and deleted before it. */
    private static void after(final IConstruct later, final IConstruct earlier) {
        later.getNode().addDependency(earlier);
    }
}
