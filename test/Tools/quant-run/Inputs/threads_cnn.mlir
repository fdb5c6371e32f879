// An NCHW float CNN block big enough for every kind of parallel loop: a
// padded 3x3 convolution and a depthwise one (kernels), bias, ReLU and a
// residual add (elementwise loops of 256x256x16 iterations), max pooling.
func.func @main(%x: tensor<1x16x256x256xf32>) -> tensor<1x16x128x128xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %w = arith.constant dense<0.03125> : tensor<16x16x3x3xf32>
  %wd = arith.constant dense<-0.0625> : tensor<16x3x3xf32>
  %bias = arith.constant dense<0.5> : tensor<16xf32>
  %e = tensor.empty() : tensor<1x16x256x256xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x256x256xf32>) -> tensor<1x16x256x256xf32>
  %xp = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x16x256x256xf32> to tensor<1x16x258x258xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xp, %w : tensor<1x16x258x258xf32>, tensor<16x16x3x3xf32>) outs(%acc : tensor<1x16x256x256xf32>) -> tensor<1x16x256x256xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %bias : tensor<1x16x256x256xf32>, tensor<16xf32>) outs(%e : tensor<1x16x256x256xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x16x256x256xf32>
  %rp = tensor.pad %r low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x16x256x256xf32> to tensor<1x16x258x258xf32>
  %d = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%rp, %wd : tensor<1x16x258x258xf32>, tensor<16x3x3xf32>) outs(%acc : tensor<1x16x256x256xf32>) -> tensor<1x16x256x256xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%d, %x : tensor<1x16x256x256xf32>, tensor<1x16x256x256xf32>) outs(%e : tensor<1x16x256x256xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x16x256x256xf32>
  %pe = tensor.empty() : tensor<1x16x128x128xf32>
  %pacc = linalg.fill ins(%ninf : f32) outs(%pe : tensor<1x16x128x128xf32>) -> tensor<1x16x128x128xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  %p = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%sum, %win : tensor<1x16x256x256xf32>, tensor<2x2xf32>) outs(%pacc : tensor<1x16x128x128xf32>) -> tensor<1x16x128x128xf32>
  return %p : tensor<1x16x128x128xf32>
}
