¿
"serve³

xPlaceholder
!
drop	WriteFilepathcontents

saver_filenamePlaceholder
4
StatefulPartitionedCall_1StatefulPartitionedCall

save/SaveV2SaveV2

restore/RestoreV2	RestoreV2
(
MergeV2CheckpointsMergeV2CheckpointsA
?

__inference_serve_7
hookPyFuncx
peekReadFilep"†
