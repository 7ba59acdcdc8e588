package com.ekspipeline.catalog;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What each instance type gives Kubernetes, from {@code instance-types.csv}: the pods the VPC CNI can
 * place on it and the CPU and memory left to pods once the kubelet's reservations are taken, as the
 * EKS-optimized AL2023 AMI computes them.
 */
public final class InstanceTypes {

    public static final String SOURCE = "src/main/resources/instance-types.csv";
    private static final Map<String, Spec> SPECS = load();

    private InstanceTypes() {
    }

    /**
     * One instance type.
     *
     * @param type       e.g. {@code t4g.medium}
     * @param vcpu       vCPUs
     * @param memoryMiB  memory
     * @param enis       network interfaces it can attach
     * @param ipv4PerEni   IPv4 addresses per interface
     * @param architecture {@code x86_64} or {@code arm64}, as EC2 names it
     */
    public record Spec(String type, int vcpu, int memoryMiB, int enis, int ipv4PerEni, String architecture) {

        /** ENIs × (addresses per ENI − 1) + 2: each ENI's primary address is the node's, not a pod's. */
        public int maxPods() {
            return enis * (ipv4PerEni - 1) + 2;
        }

        /** CPU left to pods: the AMI reserves 6% of the first core, 1% of the second, 0.5% of the next two, 0.25% of the rest. */
        public int allocatableCpuMillis() {
            final int millis = vcpu * 1000;
            final double reserved = 0.06 * Math.min(millis, 1000) + 0.01 * clamp(millis - 1000, 1000)
                    + 0.005 * clamp(millis - 2000, 2000) + 0.0025 * Math.max(0, millis - 4000);
            return millis - (int) Math.ceil(reserved);
        }

        /** Memory left to pods: the AMI reserves 255 MiB + 11 MiB per pod it can hold, and evicts below 100 MiB. */
        public int allocatableMemoryMiB() {
            return memoryMiB - (255 + 11 * maxPods()) - 100;
        }

        private static int clamp(final int value, final int max) {
            return Math.max(0, Math.min(value, max));
        }
    }

    /** Every instance type in the table, by name. */
    public static Map<String, Spec> all() {
        return SPECS;
    }

    public static Optional<Spec> of(final String type) {
        return Optional.ofNullable(SPECS.get(type));
    }

    private static Map<String, Spec> load() {
        final Map<String, Spec> specs = new TreeMap<>();
        CsvResource.rows("instance-types.csv", "type", 0)
                .forEach(c -> specs.put(c[0], new Spec(c[0], Integer.parseInt(c[1]), Integer.parseInt(c[2]),
                        Integer.parseInt(c[3]), Integer.parseInt(c[4]), c[5])));
        return Collections.unmodifiableMap(specs);
    }
}
