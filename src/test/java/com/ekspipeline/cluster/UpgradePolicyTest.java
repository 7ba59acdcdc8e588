package com.ekspipeline.cluster;

import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.Test;

import java.util.Map;

/**
 * The cluster's upgrade policy is always in the template: without one EKS applies EXTENDED, and a
 * version left past standard support is billed the extended-support price without anyone choosing it.
 */
class UpgradePolicyTest {

    @Test
    void byDefaultEksUpgradesTheClusterInsteadOfBillingExtendedSupport() {
        Synthesized.template(Synths.defaults().cluster()).hasResourceProperties("AWS::EKS::Cluster",
                Map.of("UpgradePolicy", Map.of("SupportType", "STANDARD")));
    }

    @Test
    void extendedSupportIsTheUsersChoice() {
        Synthesized.template(TestContext.defaults().with("extendedSupport", true).deploy().cluster())
                .hasResourceProperties("AWS::EKS::Cluster", Map.of("UpgradePolicy", Map.of("SupportType", "EXTENDED")));
    }
}
