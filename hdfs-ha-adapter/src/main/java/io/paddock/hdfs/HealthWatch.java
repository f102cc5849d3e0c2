package io.paddock.hdfs;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.ha.HAServiceProtocol;
import org.apache.hadoop.ha.HAServiceProtocol.HAServiceState;
import org.apache.hadoop.ha.HAServiceProtocol.RequestSource;
import org.apache.hadoop.ha.HAServiceProtocol.StateChangeRequestInfo;
import org.apache.hadoop.ha.HAServiceProtocolHelper;
import org.apache.hadoop.ha.HealthCheckFailedException;
import org.apache.hadoop.ha.HealthMonitor;
import org.apache.hadoop.ipc.RPC;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the local NameNode's {@code monitorHealth} and {@code getServiceStatus} on its own thread
 * and reports changes in Hadoop's {@link HealthMonitor.State} terms, with the {@code ha.health-monitor.*}
 * keys. It talks to the NameNode's lifeline RPC address when one is configured, so a NameNode busy
 * with client RPCs (or a long GC) is not mistaken for a dead one (HDFS-9311).
 */
final class HealthWatch {
    private static final Logger LOG = LoggerFactory.getLogger(HealthWatch.class);

    interface Listener {
        /** {@code takenAtNanos}: {@link System#nanoTime()} when the check that produced this report began. */
        void onHealth(HealthMonitor.State state, HAServiceState serviceState, String detail, long takenAtNanos);
    }

    private final ControllerConfig config;
    private final Listener listener;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    /** The lifeline address when configured, else the RPC address (null means "not configured"). */
    private final InetSocketAddress probeAddress;
    private HealthMonitor.State lastState;
    private HAServiceState lastServiceState;

    HealthWatch(ControllerConfig config, Listener listener) {
        this.config = config;
        this.listener = listener;
        this.probeAddress = config.local.getHealthMonitorAddress() != null
                ? config.local.getHealthMonitorAddress() : config.local.getAddress();
        this.thread = new Thread(this::loop, "paddock-fc-health-" + config.namenodeId);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() throws InterruptedException {
        stopped.countDown();
        thread.join(30_000);
    }

    private void loop() {
        StateChangeRequestInfo info = new StateChangeRequestInfo(RequestSource.REQUEST_BY_ZKFC);
        while (stopped.getCount() > 0) {
            HAServiceProtocol proxy;
            long takenAt = System.nanoTime();
            try {
                proxy = config.local.getHealthMonitorProxy(config.conf, config.healthRpcTimeoutMs,
                        config.healthConnectRetries);
            } catch (Exception e) {
                report(HealthMonitor.State.SERVICE_NOT_RESPONDING, null, "no RPC proxy: " + e, takenAt);
                pause(config.healthSleepAfterDisconnectMs);
                continue;
            }
            try {
                while (stopped.getCount() > 0) {
                    takenAt = System.nanoTime();
                    try {
                        HAServiceProtocolHelper.monitorHealth(proxy, info);
                        HAServiceState s = proxy.getServiceStatus().getState();
                        report(HealthMonitor.State.SERVICE_HEALTHY, s, "healthy", takenAt);
                    } catch (HealthCheckFailedException e) {
                        report(HealthMonitor.State.SERVICE_UNHEALTHY, null, e.getMessage(), takenAt);
                    }
                    if (!awaitNextCheck()) {
                        report(HealthMonitor.State.SERVICE_NOT_RESPONDING, null,
                                "its RPC port refuses connections (process gone)", System.nanoTime());
                        pause(config.healthSleepAfterDisconnectMs);
                        break;
                    }
                }
            } catch (Exception e) {
                report(HealthMonitor.State.SERVICE_NOT_RESPONDING, null, e.toString(), takenAt);
                pause(config.healthSleepAfterDisconnectMs);
            } finally {
                RPC.stopProxy(proxy);
            }
        }
    }

    /** Every poll is reported (the controller counts repeated observations); changes are logged. */
    private void report(HealthMonitor.State state, HAServiceState serviceState, String detail, long takenAt) {
        if (state == lastState && serviceState == lastServiceState) {
            listener.onHealth(state, serviceState, detail, takenAt);
            return;
        }
        LOG.info("local NameNode {}: {} ({}){}", config.namenodeId, state, serviceState == null ? "-" : serviceState,
                state == HealthMonitor.State.SERVICE_HEALTHY ? "" : ": " + detail);
        lastState = state;
        lastServiceState = serviceState;
        listener.onHealth(state, serviceState, detail, takenAt);
    }

    /**
     * Waits one health-check interval, probing between checks whether the NameNode's (lifeline or
     * service) RPC port still accepts TCP connections. Two refusals in a row mean no process
     * listens there any more: returns false at once instead of leaving a dead NameNode undetected
     * for the rest of the interval plus the IPC client's connect retry. A hung NameNode still
     * accepts connections (the kernel does), so a GC pause is not mistaken for a death.
     */
    private boolean awaitNextCheck() {
        long probeMs = config.livenessProbeIntervalMs;
        if (probeMs <= 0) {
            pause(config.healthCheckIntervalMs);
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.healthCheckIntervalMs);
        int refusals = 0;
        while (stopped.getCount() > 0) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return true;
            }
            pause(Math.min(left, probeMs));
            refusals = refuses() ? refusals + 1 : 0;
            if (refusals >= 2) {
                return false;
            }
        }
        return true;
    }

    private boolean refuses() {
        return PortProbe.probe(probeAddress, (int) Math.max(100, config.livenessProbeIntervalMs))
                == PortProbe.Result.REFUSED;
    }

    private void pause(long millis) {
        try {
            stopped.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.countDown();
        }
    }
}
