Á
"serveµ

xPlaceholder

wVarHandleOp

mmMatMulxw

saver_filenamePlaceholder
4
StatefulPartitionedCall_1StatefulPartitionedCall

save/SaveV2SaveV2

restore/RestoreV2	RestoreV2
(
MergeV2CheckpointsMergeV2Checkpoints@
>

__inference_call_42
addAddV2ab
reluReluadd"†
