package com.ekspipeline.pipeline;

import com.ekspipeline.catalog.SampleWorkload;
import com.ekspipeline.cluster.Stage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What limits the restart alarms: CloudWatch's ten metrics per alarm, against the autoscalers' maximums. */
class OpsAlarmsTest {

    @Test
    void eachStagesRestartAlarmReadsOneMetricPerPodItsAutoscalerMayRun() {
        assertEquals(SampleWorkload.RELEASED.productionMaxReplicas(),
                OpsAlarms.restarts("c", Stage.PRODUCTION, "hello", SampleWorkload.RELEASED.productionMaxReplicas())
                        .getUsingMetrics().size());
        assertTrue(SampleWorkload.RELEASED.productionMaxReplicas() <= OpsAlarms.MAX_ALARM_METRICS);
        assertTrue(SampleWorkload.RELEASED.stagingMaxReplicas() <= OpsAlarms.MAX_ALARM_METRICS);
    }

    @Test
    void moreThanTenPodsIsRefusedWithWhatToChange() {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> OpsAlarms.restarts("c", Stage.PRODUCTION, "hello", 11));
        assertTrue(refused.getMessage().contains("k8s/overlays/production"), refused.getMessage());
    }
}
