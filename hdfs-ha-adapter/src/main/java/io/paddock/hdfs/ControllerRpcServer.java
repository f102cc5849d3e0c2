package io.paddock.hdfs;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.apache.hadoop.fs.CommonConfigurationKeys;
import org.apache.hadoop.ha.ZKFCProtocol;
import org.apache.hadoop.ha.proto.ZKFCProtocolProtos.ZKFCProtocolService;
import org.apache.hadoop.ha.protocolPB.ZKFCProtocolPB;
import org.apache.hadoop.ha.protocolPB.ZKFCProtocolServerSideTranslatorPB;
import org.apache.hadoop.hdfs.HDFSPolicyProvider;
import org.apache.hadoop.ipc.ProtobufRpcEngine2;
import org.apache.hadoop.ipc.RPC;
import org.apache.hadoop.thirdparty.protobuf.BlockingService;

/**
 * Serves Hadoop's {@code ZKFCProtocol} (cedeActive, gracefulFailover) where {@code hdfs haadmin}
 * looks for a failover controller: the NameNode's RPC host and {@code dfs.ha.zkfc.port}.
 */
final class ControllerRpcServer {
    private final RPC.Server server;

    ControllerRpcServer(ControllerConfig config, ZKFCProtocol impl) throws IOException {
        RPC.setProtocolEngine(config.conf, ZKFCProtocolPB.class, ProtobufRpcEngine2.class);
        BlockingService service = ZKFCProtocolService.newReflectiveBlockingService(
                new ZKFCProtocolServerSideTranslatorPB(impl));
        InetSocketAddress bind = config.local.getZKFCAddress();
        server = new RPC.Builder(config.conf).setProtocol(ZKFCProtocolPB.class).setInstance(service)
                .setBindAddress(bind.getAddress().getHostAddress()).setPort(bind.getPort())
                .setNumHandlers(2).setVerbose(false).build();
        if (config.conf.getBoolean(CommonConfigurationKeys.HADOOP_SECURITY_AUTHORIZATION, false)) {
            server.refreshServiceAcl(config.conf, new HDFSPolicyProvider());
        }
    }

    void start() {
        server.start();
    }

    InetSocketAddress address() {
        return server.getListenerAddress();
    }

    void stop() throws InterruptedException {
        server.stop();
        server.join();
    }
}
