package org.apache.openwhisk.core.mesos

import java.util.OptionalDouble
import java.util.concurrent.{CompletionException, ExecutionException}

import scala.jdk.CollectionConverters._

import io.mesowhisk.whisk.{ContainerArgs, ContainerException, ContainerRequest}
import org.apache.openwhisk.common.TransactionId
import org.apache.openwhisk.core.containerpool.{BlackboxStartupError, WhiskContainerStartupError}
import org.apache.openwhisk.core.entity.{ByteSize, ExecManifest, InvokerInstanceId}

/**
 * OpenWhisk's `createContainer` arguments onto our [[ContainerRequest]], and our failures onto OpenWhisk's error
 * types. Pure functions; thread-safe.
 */
object RequestMapping {

  /**
   * The request for one container.
   *
   * @param actionImage resolved as OpenWhisk resolves it: the image's own registry, else the configured runtimes
   *                    registry (managed images) or user-images registry (blackbox images), then prefix/name:tag
   * @param parameters  the invoker's docker parameters (`--cap-drop`, `--ulimit`, the log store's, ...), as given
   * @param apiHost     the invoker's API host, given to the container as `__OW_API_HOST` (the configured extra
   *                    environment may override it, as in OpenWhisk's factories); None: the variable is not set
   * @throws IllegalArgumentException naming every argument that is not acceptable
   */
  def request(tid: TransactionId,
              name: String,
              actionImage: ExecManifest.ImageName,
              userProvidedImage: Boolean,
              memory: ByteSize,
              cpuShares: Int,
              cpuLimit: Option[Double],
              invoker: InvokerInstanceId,
              parameters: Map[String, Set[String]],
              settings: ContainerSettings,
              apiHost: Option[String]): ContainerRequest = {
    val args = new ContainerArgs(
      settings.network,
      settings.dnsServers.asJava,
      settings.dnsSearch.asJava,
      settings.dnsOptions.asJava,
      settings.extraEnvVarMap.asJava,
      settings.extraArgs.map { case (k, v) => k -> v.asJava }.asJava)
    ContainerRequest
      .builder()
      .transactionId(Option(tid.id).getOrElse(""))
      .name(name)
      .image(actionImage.resolveImageName(settings.registry(userProvidedImage)))
      .userProvided(userProvidedImage)
      .memoryMb(memory.toMB)
      .cpuShares(cpuShares)
      .cpuLimit(cpuLimit.fold(OptionalDouble.empty())(OptionalDouble.of))
      .invoker(invokerName(invoker))
      .dockerParameters(parameters.map { case (k, v) => k -> v.asJava }.asJava)
      .args(args)
      .apiHost(apiHost.getOrElse(""))
      .build()
  }

  /**
   * The invoker's name in task ids: `invoker<N>`, plus `-<unique name>` when the invoker has one (dynamic instance
   * assignment), reduced to the characters a task id may have.
   */
  def invokerName(invoker: InvokerInstanceId): String = {
    val unique = invoker.uniqueName.filter(_.nonEmpty).map("-" + _).getOrElse("")
    s"invoker${invoker.instance}$unique".filter(c => c.isLetterOrDigit && c < 128 || c == '.' || c == '_' || c == '-')
  }

  /**
   * A failure of `createContainer` as OpenWhisk's types: a user-provided image that cannot be pulled or started is
   * the developer's fault ([[BlackboxStartupError]]); everything else, including too little capacity in the cluster
   * (the message says what was asked and offered), is the system's ([[WhiskContainerStartupError]]), which the
   * invoker shows with its message instead of the generic "Failed to provision resources".
   */
  def failure(failure: Throwable, request: Option[ContainerRequest]): Throwable = {
    val what = request.fold("the container")(r => s"container ${r.name()} (image ${r.image()})")
    unwrap(failure) match {
      case e: ContainerException =>
        e.kind() match {
          case ContainerException.Kind.BLACKBOX_STARTUP  => BlackboxStartupError(e.getMessage)
          case ContainerException.Kind.CLUSTER_RESOURCES => WhiskContainerStartupError(e.getMessage)
          case ContainerException.Kind.STOPPED =>
            WhiskContainerStartupError(s"the Mesos container factory is stopped, $what was not created: ${e.getMessage}")
          case _ => WhiskContainerStartupError(e.getMessage)
        }
      case e: IllegalArgumentException => WhiskContainerStartupError(s"$what cannot be created: ${e.getMessage}")
      case e                           => WhiskContainerStartupError(s"$what was not created: $e")
    }
  }

  private def unwrap(t: Throwable): Throwable = t match {
    case e @ (_: CompletionException | _: ExecutionException) if e.getCause != null => unwrap(e.getCause)
    case e                                                                           => e
  }
}
