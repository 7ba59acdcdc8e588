package com.ekspipeline.workload;

import com.ekspipeline.cluster.Stage;
import com.ekspipeline.support.Synths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awscdk.services.ec2.ISubnet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static com.ekspipeline.support.Overlays.at;
import static com.ekspipeline.support.Overlays.only;
import static com.ekspipeline.support.Overlays.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The stage's network policies, as rendered with each overlay: everything denied, then DNS out and the
 * load balancer in, nothing else. (WorkloadManifestsTest validates them against the API schema.)
 */
class NetworkPoliciesTest {

    private static List<Map<String, Object>> policies(final Stage stage) {
        return render(stage).stream().filter(o -> "NetworkPolicy".equals(o.get("kind"))).toList();
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void eachStageHasExactlyTheThreePoliciesInItsNamespace(final Stage stage) {
        assertEquals(List.of("default-deny", "dns-to-coredns", "hello-from-load-balancer"),
                policies(stage).stream().map(p -> (String) at(p, "metadata.name")).sorted().toList());
        policies(stage).forEach(p -> assertEquals(stage.namespace(), at(p, "metadata.namespace")));
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void everyPodIsDeniedBothWaysUnlessAllowed(final Stage stage) {
        final Map<String, Object> deny = only(render(stage), "NetworkPolicy", "default-deny");
        assertEquals(Map.of(), at(deny, "spec.podSelector"), "selects every pod of the namespace");
        assertEquals(List.of("Ingress", "Egress"), at(deny, "spec.policyTypes"));
        assertNull(at(deny, "spec.ingress"), "no rule: nothing in");
        assertNull(at(deny, "spec.egress"), "no rule: nothing out");
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void podsMayOnlyLookUpNamesWithCoreDns(final Stage stage) {
        final Map<String, Object> dns = only(render(stage), "NetworkPolicy", "dns-to-coredns");
        assertEquals(List.of("Egress"), at(dns, "spec.policyTypes"));
        final List<Map<String, Object>> egress = at(dns, "spec.egress");
        assertEquals(1, egress.size());
        assertEquals(List.of(Map.of(
                "namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "kube-system")),
                "podSelector", Map.of("matchExpressions", List.of(Map.of(
                        "key", "k8s-app", "operator", "In", "values", List.of("kube-dns")))))), at(egress.get(0), "to"),
                "CoreDNS's own label, and none of the service's");
        assertEquals(List.of(Map.of("protocol", "UDP", "port", 53), Map.of("protocol", "TCP", "port", 53)),
                at(egress.get(0), "ports"));
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void onlyTheLoadBalancerSubnetsReachTheServicePort(final Stage stage) {
        final Map<String, Object> ingress = only(render(stage), "NetworkPolicy", "hello-from-load-balancer");
        assertEquals(List.of("Ingress"), at(ingress, "spec.policyTypes"));
        final Map<String, Object> selected = at(ingress, "spec.podSelector.matchLabels");
        assertEquals("web", selected.get("app.kubernetes.io/component"), "the service's pods");
        final List<Map<String, Object>> rules = at(ingress, "spec.ingress");
        assertEquals(1, rules.size());
        assertEquals(List.of(Map.of("protocol", "TCP", "port", "http")), at(rules.get(0), "ports"),
                "the port the Service targets and the NLB health-checks (/readyz)");
        final List<Map<String, Object>> from = at(rules.get(0), "from");
        final List<String> sources = from.stream().map(f -> (String) at(f, "ipBlock.cidr")).toList();
        assertEquals(publicSubnets(), sources);
    }

    @Test
    void theCommittedPolicyIsTheGeneratorsOutputForTheDefaultVpc() throws IOException, InterruptedException {
        final Process process = new ProcessBuilder("bash", "k8s/load-balancer-ingress", String.join(",", publicSubnets()))
                .redirectErrorStream(true).start();
        final String generated = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), generated);
        assertEquals(Files.readString(Path.of("k8s/base/load-balancer-ingress.yaml")), generated,
                "regenerate it: k8s/load-balancer-ingress <the default VPC's public subnets>");
    }

    /** The default VPC's public subnets, where the NLB's addresses are; the deploy uses the deployed VPC's. */
    private static List<String> publicSubnets() {
        return Synths.defaults().network().getVpc().getPublicSubnets().stream().map(ISubnet::getIpv4CidrBlock).toList();
    }
}
